package config

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, name string
		want       bool
	}{
		{"*", "", true},
		{"*", "any/thing", true}, // unlike path.Match, * crosses '/'
		{"stg_*", "stg_orders", true},
		{"stg_*", "x_stg_orders", false},
		{"?_orders", "a_orders", true},
		{"?_orders", "ab_orders", false},
		{"[bs]*", "silver_x", true},
		{"[!bs]*", "silver_x", false},
		{"[!bs]*", "gold_x", true},
		{"[^b]*", "^x", true}, // '^' first in a class is literal, as in Python
		{"[^b]*", "gold", false},
		{"[]]x", "]x", true},
		{"a[", "a[", true}, // an unclosed class is literal
		{"a.b", "axb", false},
		{"ü*", "über", true},
	} {
		re, err := Glob(tc.glob)
		if err != nil {
			t.Errorf("Glob(%q): %v", tc.glob, err)
			continue
		}
		if got := re.MatchString(tc.name); got != tc.want {
			t.Errorf("Glob(%q) on %q = %v, want %v", tc.glob, tc.name, got, tc.want)
		}
	}
	if _, err := Glob("[z-a]"); err == nil {
		t.Errorf("Glob accepted the empty range [z-a]")
	}
}

// FuzzGlob: Glob never panics; it agrees with path.Match on globs and names without
// '/' and '\' (where the two syntaxes coincide once [! is written [^); a glob without
// special characters matches only itself.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{{"stg_*", "stg_orders"}, {"[!a-c]?x", "dzx"}, {"a[", "a["}, {"[]-]", "-"}, {"*[0-9]", "v1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		re, err := Glob(glob)
		if strings.ContainsAny(glob+name, `/\`) || !utf8.ValidString(glob) || !utf8.ValidString(name) {
			return // regexp reads every invalid byte as U+FFFD; names are validated text
		}
		if !strings.ContainsAny(glob, "*?[") {
			if err != nil || re.MatchString(name) != (glob == name) {
				t.Fatalf("literal glob %q on %q: %v", glob, name, err)
			}
			return
		}
		pm := strings.ReplaceAll(glob, "[!", "[^")
		want, perr := path.Match(pm, name)
		if err != nil || perr != nil || strings.Contains(glob, "[^") || strings.Contains(glob, "[]") || strings.Contains(glob, "[!]") {
			return // invalid for one of them, or a class the two syntaxes read differently
		}
		if got := re.MatchString(name); got != want {
			t.Fatalf("Glob(%q) on %q = %v, path.Match(%q) = %v", glob, name, got, pm, want)
		}
	})
}
