package secretshape

import (
	"strings"
	"testing"
)

// Token-shaped samples, assembled so that the repository holds no literal token.
var (
	githubToken = "gh" + "p_" + strings.Repeat("A1b2C3d4E5", 4)
	githubPAT   = "github" + "_pat_" + strings.Repeat("11AbCdEf", 4)
	gitlabToken = "gl" + "pat-" + strings.Repeat("x9Y8z7", 4)
	slackToken  = "xo" + "xb-123456789012-abcdefABCDEF"
	awsKey      = "AK" + "IAIOSFODNN7EXAMPLE"
	jwt         = "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	pemKey      = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"
	basicCred   = "Basic " + "dXNlcjpodW50ZXIy" // user:hunter2
)

func TestValue(t *testing.T) {
	for s, want := range map[string]bool{
		githubToken:                              true,
		"token=" + githubPAT:                     true,
		"clone with " + gitlabToken:              true,
		slackToken:                               true,
		awsKey:                                   true,
		jwt:                                      true,
		pemKey:                                   true,
		"Authorization: " + basicCred:            true,
		"Authorization: Bearer 4f2a9c0e1b7d6a3f": true,
		"postgres://floe:pg-S3cret@db:5432/floe": true,
		"--password=hunter22":                    true,
		`{"api_key":"abc123xyz"}`:                true,
		"Basic authentication is enabled":        false,
		"Bearer tokens are rotated daily":        false,
		"ssh://git@example.com/repo.git":         false,
		"password: ${DB_PASSWORD}":               false,
		"secretName: <set-me>":                   false,
		"http://floe-platform-otel:4317":         false,
		"ghost_town":                             false,
		"eyJ":                                    false,
	} {
		if got := Value(s); got != want {
			t.Errorf("Value(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"note: " + githubToken + " end":                   "note: <redacted> end",
		"a " + jwt + " and " + awsKey:                     "a <redacted> and <redacted>",
		"dsn postgres://floe:pw-1234@db:5432/x is wrong":  "dsn postgres://<redacted>@db:5432/x is wrong",
		"key " + pemKey + " tail":                         "key <redacted> tail",
		"header: Bearer 4f2a9c0e1b7d6a3f5e":               "header: <redacted>",
		"plain text stays":                                "plain text stays",
		"password=hunter22 is an assignment, not a shape": "password=hunter22 is an assignment, not a shape",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	for key, want := range map[string]bool{
		"DB_PASSWORD": true, "client_secret": true, "apiKey": true, "GITHUB_TOKEN": true,
		"secretName": false, "tokenPath": false, "secretKeyRef": false, "note": false, "FOO": false,
	} {
		if got := SecretKey(key); got != want {
			t.Errorf("SecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestURLUserinfo(t *testing.T) {
	for s, want := range map[string]bool{
		"https://user:pass@otel.example.com:4317": true,
		"https://token@github.com/org/repo":       true,
		"http://floe-platform-otel:4317":          false,
		"https://example.com/path@v1":             false,
		"https://example.com?u=a@b":               false,
		"platform-team@example.com":               false,
		"oci://u:p@registry.example.com/floe:1.0": true,
	} {
		if got := URLUserinfo(s); got != want {
			t.Errorf("URLUserinfo(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestShapesCompile(t *testing.T) {
	if len(Shapes()) != len(shapes) {
		t.Fatal("Shapes does not list every shape")
	}
	for _, s := range Shapes() {
		if s.Name == "" || s.Pattern == "" {
			t.Errorf("shape %+v lacks a name or a pattern", s)
		}
	}
}

// FuzzRedact: Redact never leaves a shape behind, never grows a text without key
// material, and is idempotent.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{githubToken, jwt, pemKey, basicCred, "postgres://a:b@c", "x " + awsKey, "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		if Shaped(r) {
			t.Fatalf("Redact(%q) = %q still holds key material", s, r)
		}
		if !Shaped(s) && r != s {
			t.Fatalf("Redact changed %q without key material", s)
		}
		if again := Redact(r); again != r {
			t.Fatalf("Redact is not idempotent: %q then %q", r, again)
		}
	})
}
