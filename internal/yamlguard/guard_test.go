package yamlguard

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// laughs is a "billion laughs" document: levels anchors of width aliases each.
func laughs(levels, width int) string {
	var b strings.Builder
	b.WriteString("l00: &l00 [" + strings.TrimSuffix(strings.Repeat("lol, ", width), ", ") + "]\n")
	for i := 1; i < levels; i++ {
		prev := "*l" + itoa(i-1)
		b.WriteString("l" + itoa(i) + ": &l" + itoa(i) + " [" + strings.TrimSuffix(strings.Repeat(prev+", ", width), ", ") + "]\n")
	}
	return b.String()
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestCheck(t *testing.T) {
	tests := map[string]struct {
		in, want string
	}{
		"plain":              {"a: 1\nb: [x, y]\n", ""},
		"modest alias":       {"a: &a {b: 1}\nc: *a\n", ""},
		"merge key":          {"a: &a {b: 1}\nc: {<<: *a, d: 2}\n", ""},
		"several documents":  {"a: &a [1]\n---\nb: 2\n", ""},
		"syntax error":       {"a: [1\n", ""}, // the caller's parser reports it
		"billion laughs":     {laughs(10, 10), "x.yaml:5:54: YAML aliases expand to more than 100000 nodes"},
		"self reference":     {"a: &a [*a]\n", "x.yaml:1:8: YAML alias *a refers to a node that contains it"},
		"mapping self":       {"a: &x {b: *x}\n", "refers to a node that contains it"},
		"deep":               {"a: " + strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5) + "\n", "YAML nesting deeper than 128 levels; refusing"},
		"deep through alias": {"a: &a " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\nb: " + strings.Repeat("[", 60) + "*a" + strings.Repeat("]", 60) + "\n", "(through alias *a)"},
		"too many aliases":   {"a: &a x\nb: [" + strings.Repeat("*a, ", MaxAliases) + "*a]\n", "more than 10000 YAML aliases"},
		"expansion":          {"a: &a [" + strings.Repeat("x, ", 999) + "x]\nb: [" + strings.Repeat("*a, ", 120) + "*a]\n", "YAML aliases expand to more than 100000 nodes; refusing (alias bomb?)"},
		"shared budget":      {"a: &a [" + strings.Repeat("x, ", 999) + "x]\nb: [" + strings.Repeat("*a, ", 60) + "*a]\n---\na: &a [" + strings.Repeat("x, ", 999) + "x]\nb: [" + strings.Repeat("*a, ", 60) + "*a]\n", "x.yaml:5:"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Check("x.yaml", []byte(tc.in))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to contain %q", err, tc.want)
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Name != "x.yaml" || ge.Line == 0 {
				t.Errorf("%v is not a located *Error", err)
			}
		})
	}
}

// TestBillionLaughsFast: the classic bomb (10^10 nodes expanded) is refused in
// milliseconds, whatever the guard's limits.
// TestCheckReadable: with MaxExpansionBytes, aliases of long scalars are bounded by the
// text they add; CheckReadable also refuses what the guard cannot parse.
func TestCheckReadable(t *testing.T) {
	long := strings.Repeat("x", 1000)
	l := Limits{MaxExpansionBytes: 10_000}
	for name, tc := range map[string]struct {
		in, want string
	}{
		"few long aliases":  {"a: &a " + long + "\nb: [" + strings.Repeat("*a, ", 8) + "*a]\n", ""},
		"many long aliases": {"a: &a " + long + "\nb: [" + strings.Repeat("*a, ", 10) + "*a]\n", "x.yaml:2:45: YAML aliases expand to more than 10000 bytes of text"},
		"syntax error":      {"a: [1\n", "x.yaml: not YAML the guard can read"},
		"empty":             {"", ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := l.CheckReadable("x.yaml", []byte(tc.in))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if tc.want == "" && l.Check("x.yaml", []byte(tc.in)) != nil {
				t.Error("Check refuses what CheckReadable accepts")
			}
		})
	}
	if err := l.Check("x.yaml", []byte("a: [1\n")); err != nil {
		t.Errorf("Check refused a syntax error: %v", err)
	}
}

func TestBillionLaughsFast(t *testing.T) {
	doc := []byte(laughs(12, 10))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := Check("bomb.yaml", doc); err == nil {
		t.Fatal("accepted")
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 2<<20 {
		t.Errorf("allocated %d bytes for a %d-byte document", n, len(doc))
	}
	unlimited := Limits{MaxExpansion: 1 << 62}
	if err := unlimited.Check("bomb.yaml", doc); err != nil {
		t.Fatalf("with the expansion unbounded the walk still ends: %v", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("took %v", d)
	}
}

func TestSize(t *testing.T) {
	l := Limits{MaxBytes: 10}
	if err := l.Check("s", []byte("a: 12345678\n")); err == nil || err.Error() != "s: 12 bytes, larger than the 10 bytes limit" {
		t.Errorf("got %v", err)
	}
	big := make([]byte, MaxFileBytes+1)
	if err := Check("f.yaml", big); err == nil || !strings.Contains(err.Error(), "larger than the 4 MiB limit") {
		t.Errorf("got %v", err)
	}
}

func TestReadAll(t *testing.T) {
	got, err := ReadAll("stdin", strings.NewReader("abc"), 3)
	if err != nil || string(got) != "abc" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := ReadAll("stdin", strings.NewReader("abcd"), 3); err == nil || err.Error() != "stdin: larger than the 3 bytes limit; refusing" {
		t.Errorf("got %v", err)
	}
	if _, err := ReadAll("stdin", strings.NewReader(strings.Repeat("x", 2<<20+1)), 2<<20); err == nil || !strings.Contains(err.Error(), "stdin: larger than the 2 MiB limit") {
		t.Errorf("got %v", err)
	}
}

// TestGuardNode: a parsed stream is checked document by document, budgets shared.
func TestGuardNode(t *testing.T) {
	g := Limits{MaxExpansion: 5}.New("s")
	var a, b yaml.Node
	if err := yaml.Unmarshal([]byte("a: &a [1, 2]\nb: *a\n"), &a); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte("a: &a [1, 2]\nb: *a\n"), &b); err != nil {
		t.Fatal(err)
	}
	if err := g.Node(&a); err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := g.Node(&b); err == nil || !strings.Contains(err.Error(), "more than 5 nodes") {
		t.Errorf("second: %v", err)
	}
}
