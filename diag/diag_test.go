package diag

import (
	"errors"
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("a", 100)
	for in, want := range map[string]string{
		"short":                       "short",
		strings.Repeat("x", 80):       strings.Repeat("x", 80),
		long:                          strings.Repeat("a", 80) + "…(100 bytes)",
		strings.Repeat("é", 41) + "z": strings.Repeat("é", 40) + "…(83 bytes)",
	} {
		if got := Excerpt(in); got != want {
			t.Errorf("Excerpt(%d bytes) = %q, want %q", len(in), got, want)
		}
	}
}

func TestDiagnosticRedactsKeyMaterial(t *testing.T) {
	token := "gh" + "p_" + strings.Repeat("A1b2C3d4E5", 4)
	d := Diagnostic{File: "floe.yaml", Line: 3, Col: 7, Path: "metadata.description",
		Message: "\"" + token + "\" and https://u:pw-1234@h/x are wrong"}
	got := d.String()
	want := `floe.yaml:3:7: metadata.description: "<redacted>" and https://<redacted>@h/x are wrong`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if l := (List{d}); l.Error() != want {
		t.Errorf("List.Error() = %s", l.Error())
	}
}

func FuzzExcerpt(f *testing.F) {
	f.Add("short")
	f.Add(strings.Repeat("é", 60))
	f.Fuzz(func(t *testing.T, s string) {
		e := Excerpt(s)
		if len(s) <= ExcerptLimit && e != s {
			t.Fatalf("short value changed: %q", e)
		}
		if len(s) > ExcerptLimit && (!strings.HasPrefix(s, strings.SplitN(e, "…(", 2)[0]) || len(e) > ExcerptLimit+20) {
			t.Fatalf("bad excerpt %q of %d bytes", e, len(s))
		}
	})
}

func TestCodedErrorsRedactKeyMaterial(t *testing.T) {
	token := "gl" + "pat-" + strings.Repeat("x9Y8z7", 4)
	for _, err := range []error{Usage(errors.New("overlay: " + token)), No(errors.New("denied: " + token))} {
		if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "<redacted>") {
			t.Errorf("error text %q is not redacted", err.Error())
		}
	}
}
