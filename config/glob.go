package config

import (
	"regexp"
	"strings"
)

// Glob compiles a shell glob as Python's fnmatch.fnmatchcase reads it (custom_rules'
// applies_to): `*` matches any run of characters, `?` one, `[seq]` and `[!seq]` a
// character class; a `[` without its `]` is literal. The glob matches whole strings.
func Glob(glob string) (*regexp.Regexp, error) {
	rs := []rune(glob)
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			class := strings.ReplaceAll(string(rs[i+1:j]), `\`, `\\`)
			switch {
			case strings.HasPrefix(class, "!"):
				class = "^" + class[1:]
			case strings.HasPrefix(class, "^"):
				class = `\` + class
			}
			b.WriteString("[" + strings.ReplaceAll(class, "[", `\[`) + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	return regexp.Compile(b.String())
}

// PyMatch compiles a Python regular expression as re.match applies it (naming
// patterns): anchored at the start only. RE2 cannot compile look-arounds or
// back-references; such patterns are an error.
func PyMatch(pattern string) (*regexp.Regexp, error) { return regexp.Compile("^(?:" + pattern + ")") }
