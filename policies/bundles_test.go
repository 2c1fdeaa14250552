package policies

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/floe-dev/floe/config"
)

// evilHeader declares a valid rule; the case's line follows it at line 6.
const evilHeader = `package floe.evil

rules["EVIL-01"] := {"title": "t", "severity": "deny", "remediation": "r"}

violation contains {"rule": "EVIL-01", "i": 0, "msg": "m"} if {
`

// countingServer is a local server counting every request it receives.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"type": "object"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestBundlesReachingForRefusedBuiltins: a bundle calling a builtin outside
// Capabilities, in any position, is refused before the compile, naming file, line,
// column and builtin; the compiler refuses the module by itself too, without the
// check; and nothing ever reaches the network.
func TestBundlesReachingForRefusedBuiltins(t *testing.T) {
	srv, hits := countingServer(t)
	for _, tc := range []struct {
		name, line, builtin string
	}{
		{"http.send assigned", `r := http.send({"method": "GET", "url": "URL"}); r.status_code == 200`, "http.send"},
		{"http.send with output argument", `http.send({"method": "GET", "url": "URL"}, r); r.status_code == 200`, "http.send"},
		{"http.send in a ref", `http.send({"method": "GET", "url": "URL"}).status_code == 200`, "http.send"},
		{"http.send in a comprehension", `count([r | some u in ["URL"]; r := http.send({"method": "GET", "url": u})]) > 0`, "http.send"},
		{"http.send in a template string", `$"{http.send({"method": "GET", "url": "URL"}).status_code}" != ""`, "http.send"},
		{"http.send mocked", `true with http.send as {"status_code": 200}`, "http.send"},
		{"net.lookup_ip_addr", `count(net.lookup_ip_addr("localhost")) > 0`, "net.lookup_ip_addr"},
		{"opa.runtime", `opa.runtime().env.HOME != ""`, "opa.runtime"},
		{"rand.intn", `rand.intn("seed", 10) == 3`, "rand.intn"},
		{"uuid.rfc4122", `uuid.rfc4122("seed") != ""`, "uuid.rfc4122"},
		{"json.verify_schema with a remote ref", `json.verify_schema({"$ref": "URL"})[0]`, "json.verify_schema"},
		{"x509 verified on the host clock", `count(crypto.x509.parse_and_verify_certificates("pem")) > 0`, "crypto.x509.parse_and_verify_certificates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line := strings.ReplaceAll(tc.line, "URL", srv.URL)
			src := evilHeader + "\t" + line + "\n}\n"
			path := "platform/policies/evil.rego"
			want := fmt.Sprintf("%s:6:%d: builtin %s is not allowed: policy bundles may use only hermetic builtins",
				path, strings.Index(line, tc.builtin)+2, tc.builtin)

			_, err := New(context.Background(), Options{ExtraBundles: []Module{{Path: path, Source: []byte(src)}}})
			if err == nil || err.Error() != want {
				t.Errorf("New: error\n%v\nwant\n%s", err, want)
			}

			// Without the check, the compiler alone refuses the module.
			mod, err := ast.ParseModuleWithOpts(path, src, parseOptions())
			if err != nil {
				t.Fatal(err)
			}
			c := ast.NewCompiler().WithCapabilities(Capabilities())
			if c.Compile(map[string]*ast.Module{path: mod}); !c.Failed() {
				t.Errorf("the compiler accepted %s under Capabilities", tc.builtin)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the server received %d requests", n)
			}
		})
	}
}

// TestHTTPSendReachesTheServerUnderOPADefaults is the control of the test above: with
// OPA's default capabilities the same rule does reach the server.
func TestHTTPSendReachesTheServerUnderOPADefaults(t *testing.T) {
	srv, hits := countingServer(t)
	src := evilHeader + "\t" + `http.send({"method": "GET", "url": "` + srv.URL + `"}).status_code == 200` + "\n}\n"
	rs, err := rego.New(rego.Module("evil.rego", src), rego.Query("data.floe.evil.violation")).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 || len(rs) != 1 {
		t.Fatalf("%d requests, %d results; want 1 and 1", hits.Load(), len(rs))
	}
}

func TestBundleShapeIsBounded(t *testing.T) {
	for name, tc := range map[string]struct {
		src, want string
	}{
		"deep nesting": {"package floe.x\n\nx := " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n",
			"platform/x.rego:3:1: rule nests deeper than 64 levels"},
		"long rule": {"package floe.x\n\nx := [" + strings.Repeat("1, ", 1000) + "1]\n",
			"platform/x.rego:3:1: rule has more than 1000 terms; split it"},
		"large file": {"# " + strings.Repeat("x", maxBundleFileBytes-1) + "\n",
			fmt.Sprintf("platform/x.rego: %d bytes, more than the 256 KiB a policy file may have", maxBundleFileBytes+2)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(context.Background(), Options{ExtraBundles: []Module{{Path: "platform/x.rego", Source: []byte(tc.src)}}})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("many terms in all", func(t *testing.T) {
		var mods []Module
		rule := "package floe.x%d\n\nx := [" + strings.Repeat("1, ", 900) + "1]\n" // about 900 terms
		for i := range 60 {
			mods = append(mods, Module{Path: fmt.Sprintf("platform/x%02d.rego", i), Source: fmt.Appendf(nil, rule, i)})
		}
		_, err := New(context.Background(), Options{ExtraBundles: mods})
		if err == nil || !strings.Contains(err.Error(), "the policy bundles have more than 50000 terms in all") {
			t.Fatalf("error %v, want the total bound", err)
		}
	})
}

// writeTree writes files (path → content) under a new temporary root.
func writeTree(t *testing.T, files map[string]string) config.Root {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestContractBundles(t *testing.T) {
	const ok = "package floe.x\n"
	many := map[string]string{}
	for i := range maxBundleFiles + 1 {
		many[fmt.Sprintf("p/%03d.rego", i)] = ok
	}
	big := map[string]string{}
	for i := range 5 {
		big[fmt.Sprintf("p/%d.rego", i)] = ok + "# " + strings.Repeat("x", 250<<10) + "\n"
	}
	for name, tc := range map[string]struct {
		files   map[string]string
		links   map[string]string // path → symlink target
		bundles []string
		want    []string // module paths read
		err     string
	}{
		"files of the directory only": {
			files:   map[string]string{"p/a.rego": ok, "p/b.rego": ok, "p/a_test.rego": "not rego", "p/sub/c.rego": ok, "p/notes.md": "x"},
			bundles: []string{"p"}, want: []string{"p/a.rego", "p/b.rego"},
		},
		".git":             {files: map[string]string{".git/p/a.rego": ok}, bundles: []string{".git/p"}, err: "policy.bundles[0]: .git/p: floe never reads .git"},
		".git inside":      {files: map[string]string{"x/.git/a.rego": ok}, bundles: []string{"x/../x/.git"}, err: "policy.bundles[0]: x/.git: floe never reads .git"},
		"outside the root": {bundles: []string{"../p"}, err: `policy.bundles[0]: "../p": path "../p" climbs out of the root`},
		"too many files":   {files: many, bundles: []string{"p"}, err: "policy.bundles[0]: p: more than 128 .rego files in the contract's policy bundles"},
		"too large a file": {files: map[string]string{"p/a.rego": ok + "# " + strings.Repeat("x", 300<<10)}, bundles: []string{"p"}, err: "policy.bundles[0]: p/a.rego: 307217 bytes, more than the 256 KiB a policy file may have"},
		"too large in all": {files: big, bundles: []string{"p"}, err: "policy.bundles[0]: p/4.rego: the contract's policy bundles exceed 1 MiB"},
		"no policy":        {files: map[string]string{"p/a.txt": ok}, bundles: []string{"p"}, err: "policy.bundles[0]: p holds no .rego policy"},
		"file linked into .git": {
			files: map[string]string{".git/config": "[remote]\n\turl = https://token@example.com/x\n", "p/a.rego": ok}, links: map[string]string{"p/config.rego": "../.git/config"},
			bundles: []string{"p"}, err: "policy.bundles[0]: p/config.rego: a symlink resolves into .git, which floe never reads"},
		"directory linked into .git": {
			files: map[string]string{".git/hooks/a.rego": ok}, links: map[string]string{"p": ".git/hooks"},
			bundles: []string{"p"}, err: "policy.bundles[0]: p: a symlink resolves into .git, which floe never reads"},
		"link inside the root": {
			files: map[string]string{"shared/a.rego": ok}, links: map[string]string{"p": "shared"},
			bundles: []string{"p"}, want: []string{"p/a.rego"}},
	} {
		t.Run(name, func(t *testing.T) {
			root := writeTree(t, tc.files)
			for link, target := range tc.links {
				full := filepath.Join(root.Dir(), filepath.FromSlash(link))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.FromSlash(target), full); err != nil {
					t.Fatal(err)
				}
			}
			mods, err := ContractBundles(root, &config.Contract{Policy: &config.ContractPolicy{Bundles: tc.bundles}})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range mods {
				got = append(got, m.Path)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("read %v, want %v", got, tc.want)
			}
		})
	}
}
