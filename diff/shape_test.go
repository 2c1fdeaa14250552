package diff

import (
	"bytes"
	"strings"
	"testing"
)

// TestTokenShapesUnderInnocentKeys: a value with the shape of key material is redacted
// in every output format even when neither its key nor its object says secret.
func TestTokenShapesUnderInnocentKeys(t *testing.T) {
	tokens := map[string]string{ // assembled so the repository holds no literal token
		"github":   "gh" + "p_" + strings.Repeat("A1b2C3d4E5", 4),
		"gitlab":   "gl" + "pat-" + strings.Repeat("x9Y8z7", 4),
		"slack":    "xo" + "xp-1234567890-abcdefghij",
		"jwt":      "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"aws":      "AK" + "IAIOSFODNN7EXAMPLE",
		"bearer":   "Authorization: Bearer 9f8e7d6c5b4a39281706",
		"basic":    "Basic " + "dXNlcjpodW50ZXIy",
		"pem":      "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n",
		"userinfo": "https://floe:S3cretPw@catalog.example.com/api",
	}
	for kind, token := range tokens {
		t.Run(kind, func(t *testing.T) {
			from := deploy("d", "      - name: c\n        env:\n        - {name: FOO, value: plain}\n        args: [--note, plain]\n")
			to := deploy("d", "      - name: c\n        env:\n        - {name: FOO, value: "+quoteYAML(token)+"}\n        args: [--note, "+quoteYAML(token)+"]\n")
			from += "---\n" + cm("data: {note: plain}\n")
			to += "---\n" + cm("data: {note: "+quoteYAML(token)+"}\n")
			r, err := Compare("a", []byte(from), "b", []byte(to))
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []Format{"text", "markdown", "json"} {
				var out bytes.Buffer
				if err := Write(&out, r, format, false); err != nil {
					t.Fatal(err)
				}
				got := out.String()
				for _, part := range secretParts(token) {
					if strings.Contains(got, part) {
						t.Errorf("%s output shows %q:\n%s", format, part, got)
					}
				}
				for _, path := range []string{"env[name=FOO].value", "data.note", ".args"} {
					if !strings.Contains(got, path) {
						t.Errorf("%s output does not report %s:\n%s", format, path, got)
					}
				}
			}
		})
	}
}

// secretParts are the pieces of a token sample that must never be printed.
func secretParts(token string) []string {
	switch {
	case strings.Contains(token, "://"):
		return []string{"S3cretPw"}
	case strings.HasPrefix(token, "-----BEGIN"):
		return []string{"b3BlbnNzaC1rZXk"}
	case strings.HasPrefix(token, "Authorization"):
		return []string{"9f8e7d6c5b4a39281706"}
	case strings.HasPrefix(token, "Basic"):
		return []string{"dXNlcjpodW50ZXIy"}
	}
	return []string{token}
}

func quoteYAML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
