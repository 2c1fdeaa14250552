package membound

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// TestParseQuantity: the one parser of floe's memory settings reads Kubernetes
// quantities of whole, positive bytes and refuses the rest with the value named.
func TestParseQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		err  string
	}{
		{"1Gi", 1 << 30, ""},
		{"768Mi", 768 << 20, ""},
		{"448Mi", Limit, ""},
		{"1073741824", 1 << 30, ""},
		{"1G", 1e9, ""},
		{"1k", 1000, ""},
		{"1.5Gi", 3 << 29, ""},
		{"1e3", 1000, ""},
		{"lots", 0, `"lots" is not a quantity of bytes like 1Gi or 512Mi`},
		{"", 0, `"" is not a quantity of bytes`},
		{"1 Gi", 0, `"1 Gi" is not a quantity of bytes`},
		{"1GB", 0, `"1GB" is not a quantity of bytes`},
		{"0", 0, `"0" is not a positive whole number of bytes`},
		{"-1Gi", 0, `"-1Gi" is not a positive whole number of bytes`},
		{"100m", 0, `"100m" is not a positive whole number of bytes`},
		{"1.5", 0, `"1.5" is not a positive whole number of bytes`},
		{"9Ei", 0, `"9Ei" is not a positive whole number of bytes under 4Ei`},
		{"3Ei", 3 << 60, ""},
		{"4Ei", 0, `"4Ei" is not a positive whole number of bytes`},
		{"4Ei-1", 0, `"4Ei-1" is not a quantity`},
		{"1000000E60000000001", 0, `"1000000E60000000001" is not a quantity`},
		{"1e-3k", 0, `"1e-3k" is not a quantity`},
		{"1..5", 0, `"1..5" is not a quantity`},
		{"1/2", 0, `"1/2" is not a quantity`},
		{"0x10", 0, `"0x10" is not a quantity`},
		{"Gi", 0, `"Gi" is not a quantity`},
		{".", 0, `"." is not a quantity`},
		{"1e", 0, `"1e" is not a quantity`},
		{"1E", 1e18, ""},
		{"1e+3", 1000, ""},
		{".5Ki", 512, ""},
		{"1.Ki", 1024, ""},
		{"+1Ki", 1024, ""},
		{"1536", 1536, ""},
		{"1000m", 1, ""},
		{"4611686018427387903", 1<<62 - 1, ""},
		{"1E18", 1e18, ""},
		{strings.Repeat("9", 33), 0, "a value of 33 bytes is not a quantity of bytes"},
	} {
		got, err := ParseQuantity(tc.in)
		if err == nil { // what Kubernetes reads for a container's limit, the same number
			if q, kerr := resource.ParseQuantity(tc.in); kerr != nil || uint64(q.Value()) != got {
				t.Errorf("ParseQuantity(%q) = %d; Kubernetes reads %v, %v", tc.in, got, q.Value(), kerr)
			}
		}
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("ParseQuantity(%q): %v", tc.in, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("ParseQuantity(%q) = %d, want %d", tc.in, got, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseQuantity(%q) = %d, %v; want an error saying %q", tc.in, got, err, tc.err)
		}
	}
}

// TestLimitFrom (D-SEC-08): unset is the default; a bound outside floor..MaxLimit, or not
// a quantity, is refused naming the variable and the value.
func TestLimitFrom(t *testing.T) {
	for _, tc := range []struct {
		env   string
		floor uint64
		want  uint64
		err   string
	}{
		{"", MinLimit, Limit, ""},
		{"1Gi", MinLimit, 1 << 30, ""},
		{"64Mi", MinLimit, MinLimit, ""},
		{"64Gi", MinLimit, MaxLimit, ""},
		{"16Mi", 1 << 20, 16 << 20, ""},
		{"63Mi", MinLimit, 0, `FLOE_MAX_MEMORY: "63Mi" is outside 64Mi..64Gi (the default is 448Mi)`},
		{"65Gi", MinLimit, 0, `FLOE_MAX_MEMORY: "65Gi" is outside 64Mi..64Gi`},
		{"1Ei", MinLimit, 0, `FLOE_MAX_MEMORY: "1Ei" is outside`},
		{"0", MinLimit, 0, `FLOE_MAX_MEMORY: "0" is not a positive whole number of bytes`},
		{"-2Gi", MinLimit, 0, `FLOE_MAX_MEMORY: "-2Gi" is not a positive`},
		{"0.5Gi", MinLimit, 512 << 20, ""},
		{"lots", MinLimit, 0, `FLOE_MAX_MEMORY: "lots" is not a quantity of bytes`},
	} {
		getenv := func(k string) string {
			if k == LimitEnv {
				return tc.env
			}
			return "9Ei" // no other variable counts
		}
		got, err := LimitFrom(getenv, tc.floor)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("LimitFrom(%q): %v", tc.env, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("LimitFrom(%q) = %d, want %d", tc.env, got, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("LimitFrom(%q) = %d, %v; want an error saying %q", tc.env, got, err, tc.err)
		}
	}
}

// FuzzParseQuantity: any string is either refused with a short message or read as a
// positive number of bytes that FormatQuantity writes back to the same number.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"1Gi", "448Mi", "1073741824", "1.5Gi", "1e3", "100m", "0", "-1", "9Ei", "lots", "", "1E18", "0x10", "+1Ki", ".5Ki", "1E60000000001", "2e-1k", "1.Ki"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseQuantity(s)
		if err != nil {
			if n != 0 {
				t.Fatalf("ParseQuantity(%q) = %d with an error", s, n)
			}
			if len(err.Error()) > 200 {
				t.Fatalf("ParseQuantity(%q): message of %d bytes", s, len(err.Error()))
			}
			return
		}
		if n == 0 || n >= 1<<62 {
			t.Fatalf("ParseQuantity(%q) = %d, not a positive number under 4Ei", s, n)
		}
		back, err := ParseQuantity(FormatQuantity(n))
		if err != nil || back != n {
			t.Fatalf("ParseQuantity(%q) = %d, written %q, read back %d, %v", s, n, FormatQuantity(n), back, err)
		}
	})
}
