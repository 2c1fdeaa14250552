package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyNamesWhatDiffers (must-show 2): floe verify passes on the untouched stream
// and exits 1 naming the object when one field of one object changes, when an object is
// added or removed, and naming the input when a recorded input changes (D-EVD-07);
// errors are exit 2; a render that cannot sign writes nothing.
func TestVerifyNamesWhatDiffers(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	root := demoRoot(t)
	keys := attestKeys(t, t.TempDir())
	key := keys[1] // PKCS#8 ECDSA P-256
	product, name := unseenProduct(t, root, 7)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	out := t.TempDir()
	attestation := filepath.Join(out, "attestation.json")
	code, stream, stderr := runFloe("render", "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef",
		"--attest", attestation, "--signing-key", key.private, product)
	if code != 0 {
		t.Fatalf("render --attest: exit %d: %s", code, stderr)
	}
	docs := strings.Split(stream, "---\n")
	without := func(kind string) string {
		var kept []string
		for _, d := range docs {
			if !strings.Contains(d, "\nkind: "+kind+"\n") {
				kept = append(kept, d)
			}
		}
		return strings.Join(kept, "---\n")
	}
	if !strings.Contains(stream, "  replicas: 1\n") || !strings.Contains(stream, "\nkind: Service\n") {
		t.Fatalf("the stream has no Deployment replicas or Service to change:\n%s", stream)
	}
	ns := "floe-dev"
	extra := "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: smuggled\n  namespace: floe-dev\ndata:\n  a: b\n"

	// changed inputs, in copies of the root
	changedRoot := func(t *testing.T, rel, appended string) string {
		dir := copyTree(t, root, t.TempDir())
		p := filepath.Join(dir, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(b, appended...), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	for _, tc := range []struct {
		name   string
		stream string // "" = no STREAM argument
		root   func(t *testing.T) string
		key    string
		// envelope replaces the attestation's contents ("" = the real one)
		envelope string
		code     int
		want     []string // on stdout for 0, on stderr otherwise
	}{
		{name: "untouched", stream: stream, code: 0, want: []string{"ok: signature"}},
		{name: "untouched with its inputs", stream: stream, root: func(*testing.T) string { return root }, code: 0, want: []string{"inputs and re-render"}},
		{name: "one field", stream: strings.Replace(stream, "  replicas: 1\n", "  replicas: 3\n", 1), code: 1,
			want: []string{"Deployment/" + ns + "/" + name + ": changed", "1 mismatch"}},
		{name: "object added", stream: stream + extra, code: 1, want: []string{"ConfigMap/" + ns + "/smuggled: added", "1 mismatch"}},
		{name: "object removed", stream: without("Service"), code: 1, want: []string{"Service/" + ns + "/" + name + ": removed", "1 mismatch"}},
		{name: "objects reordered", stream: strings.Join(append(docs[1:len(docs)-1:len(docs)-1], docs[0], docs[len(docs)-1]), "---\n"), code: 1,
			want: []string{"stream: changed: the objects match"}},
		{name: "manifest changed", root: func(t *testing.T) string { return changedRoot(t, "demo/manifest.yaml", "# edited\n") }, code: 1,
			want: []string{"input demo/manifest.yaml: changed", "a recorded input differs"}},
		{name: "floe.yaml changed", root: func(t *testing.T) string {
			return changedRoot(t, filepath.Join("demo", name, "floe.yaml"), "# edited\n")
		}, code: 1, want: []string{"input demo/" + name + "/floe.yaml: changed"}},
		{name: "another key", stream: stream, key: keys[2].public, code: 1, want: []string{"signature"}},
		{name: "not a stream", stream: "kind: [", code: 2, want: []string{"verify"}},
		// A malformed envelope is not a "no", whatever its fields are called.
		{name: "malformed envelope", stream: stream, envelope: `{"signatures":"x"}`, code: 2, want: []string{"not a DSSE envelope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			att := attestation
			if tc.envelope != "" {
				att = filepath.Join(t.TempDir(), "bad.intoto.jsonl")
				if err := os.WriteFile(att, []byte(tc.envelope), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{"verify", "--attestation", att, "--key", key.public}
			if tc.key != "" {
				args[4] = tc.key
			}
			if tc.root != nil {
				args = append(args, "--root", tc.root(t))
			}
			if tc.stream != "" {
				args = append(args, "-")
			}
			code, stdout, stderr := runFloeIn(tc.stream, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr:\n%s", code, tc.code, stdout, stderr)
			}
			got := stdout
			if tc.code != 0 {
				got = stderr
				if stdout != "" {
					t.Errorf("stdout %q on failure", stdout)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}

	// A render that cannot attest writes nothing: no attestation, no stdout, exit 2.
	for _, tc := range []struct {
		name string
		args []string
		env  string
	}{
		{"no signing key", []string{"--attest", filepath.Join(out, "x.json")}, ""},
		{"wrong password", []string{"--attest", filepath.Join(out, "x.json"), "--signing-key", keys[0].private}, "wrong"},
		{"no password", []string{"--attest", filepath.Join(out, "x.json"), "--signing-key", keys[0].private}, ""},
		{"a public key", []string{"--attest", filepath.Join(out, "x.json"), "--signing-key", key.public}, ""},
	} {
		t.Run("render "+tc.name, func(t *testing.T) {
			t.Setenv("COSIGN_PASSWORD", tc.env)
			args := append([]string{"render", "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef"}, tc.args...)
			code, stdout, stderr := runFloe(append(args, product)...)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %d bytes; want 2 and nothing: %s", code, len(stdout), stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "x.json")); !os.IsNotExist(err) {
				t.Fatalf("an attestation was written: %v", err)
			}
		})
	}
}

// TestAttestAll: render --all --attest signs one statement over every product's
// objects and reads; verify passes on the stream and on the root, names the object a
// changed field is in and the input a changed contract is; --attest refuses --format json.
func TestAttestAll(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	root := demoRoot(t)
	key := attestKeys(t, t.TempDir())[2] // ed25519
	_, name := unseenProduct(t, root, 11)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	attestation := filepath.Join(t.TempDir(), "all.json")
	code, stream, stderr := runFloe("render", "--all", root, "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef",
		"--attest", attestation, "--signing-key", key.private)
	if code != 0 {
		t.Fatalf("render --all --attest: exit %d: %s", code, stderr)
	}
	if strings.Count(stream, "# floe product: ") < 3 {
		t.Fatalf("want the demo's products and %s:\n%s", name, stream)
	}
	if code, stdout, stderr := runFloeIn(stream, "verify", "--attestation", attestation, "--key", key.public, "--root", root, "-"); code != 0 {
		t.Fatalf("verify: exit %d, %q, %s", code, stdout, stderr)
	}
	changed := strings.Replace(stream, "  replicas: 1\n", "  replicas: 2\n", 1)
	if code, _, stderr := runFloeIn(changed, "verify", "--attestation", attestation, "--key", key.public, "-"); code != 1 || !strings.Contains(stderr, ": changed: its digest differs") || strings.Count(stderr, ": changed:") != 1 {
		t.Fatalf("one field: exit %d, %s", code, stderr)
	}
	edited := copyTree(t, root, t.TempDir())
	if err := os.WriteFile(filepath.Join(edited, "platform", "pec-dev.yaml"), append(mustRead(t, contract), "# edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runFloe("verify", "--attestation", attestation, "--key", key.public, "--root", edited); code != 1 || !strings.Contains(stderr, "input platform/pec-dev.yaml: changed") {
		t.Fatalf("contract changed: exit %d, %s", code, stderr)
	}
	if code, _, _ := runFloe("render", "--all", root, "--root", root, "--contract", contract, "--format", "json",
		"--attest", attestation+"2", "--signing-key", key.private); code != 2 {
		t.Fatalf("--attest with --format json: exit %d, want 2", code)
	}
}

// TestAttestAllOutputDir (D-EVD-08): render --all -o OUTDIR --attest signs the files it
// writes, each named by its path under OUTDIR; floe verify passes on the untouched
// OUTDIR (and on the root: inputs and re-render), names the file and its object when one
// file changes, an added and a removed file; the envelope verifies through
// go-securesystemslib; a render that cannot sign writes neither OUTDIR nor the file.
func TestAttestAllOutputDir(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	root := demoRoot(t)
	key := attestKeys(t, t.TempDir())[1] // PKCS#8 ECDSA P-256
	_, name := unseenProduct(t, root, 13)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	work := t.TempDir()
	outDir, attestation := filepath.Join(work, "out"), filepath.Join(work, "all.intoto.jsonl")
	code, stdout, stderr := runFloe("render", "--all", root, "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef",
		"-o", outDir, "--attest", attestation, "--signing-key", key.private)
	if code != 0 || stdout != "" {
		t.Fatalf("render --all -o --attest: exit %d, stdout %q: %s", code, stdout, stderr)
	}
	st := openEnvelope(t, attestation, key.public)
	var file, object string
	for _, s := range st.Subject {
		if s.Name == "stream" {
			t.Errorf("a directory's attestation names a stream subject")
		}
		if s.Annotations["floe.dev/object"] == "Deployment/floe-dev/"+name {
			file, object = s.Name, s.Annotations["floe.dev/object"]
		}
		if got := sha256File(t, filepath.Join(outDir, filepath.FromSlash(s.Name))); got != s.Digest["sha256"] {
			t.Errorf("subject %s: digest %s, the file's %s", s.Name, s.Digest["sha256"], got)
		}
	}
	if !strings.HasPrefix(file, "demo/"+name+"/") || !strings.HasSuffix(file, "-deployment-"+name+".yaml") || object == "" {
		t.Fatalf("no subject for demo/%s's Deployment file: %+v", name, st.Subject)
	}
	if !st.Predicate.BuildDefinition.ExternalParameters.OutputDir || !st.Predicate.BuildDefinition.ExternalParameters.All {
		t.Errorf("externalParameters: %+v", st.Predicate.BuildDefinition.ExternalParameters)
	}

	verify := func(args ...string) (int, string, string) {
		return runFloe(append([]string{"verify", "--attestation", attestation, "--key", key.public}, args...)...)
	}
	if code, stdout, stderr := verify(outDir); code != 0 || !strings.HasPrefix(stdout, "ok: signature, ") || !strings.Contains(stdout, "file(s) of "+outDir) {
		t.Fatalf("verify OUTDIR: exit %d, %q, %s", code, stdout, stderr)
	}
	if code, stdout, stderr := verify("--root", root, outDir); code != 0 || !strings.Contains(stdout, "inputs and re-render") {
		t.Fatalf("verify --root OUTDIR: exit %d, %q, %s", code, stdout, stderr)
	}
	if code, _, stderr := verify(filepath.Join(outDir, filepath.FromSlash(file))); code != 2 || !strings.Contains(stderr, "give that directory") {
		t.Fatalf("verify with a file: exit %d, %s", code, stderr)
	}

	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
		want []string
	}{
		{"one file changed", func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(file))
			b := mustRead(t, p)
			if !strings.Contains(string(b), "  replicas: 1\n") {
				t.Fatalf("%s has no replicas to change:\n%s", file, b)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(b), "  replicas: 1\n", "  replicas: 2\n", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{file + " (Deployment/floe-dev/" + name + "): changed", "1 mismatch"}},
		{"one file removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(file))); err != nil {
				t.Fatal(err)
			}
		}, []string{file + " (Deployment/floe-dev/" + name + "): removed", "1 mismatch"}},
		{"one file added", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "demo", name, "99-configmap-smuggled.yaml"), []byte("kind: ConfigMap\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"demo/" + name + "/99-configmap-smuggled.yaml: added", "1 mismatch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, outDir, t.TempDir())
			tc.edit(t, dir)
			code, stdout, stderr := verify(dir)
			if code != 1 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 1: %s", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%q lacks %q", stderr, w)
				}
			}
		})
	}

	// One product's render refuses the same (its -o DIR is replaced as a whole too).
	one := filepath.Join(work, "one-out")
	if code, stdout, stderr := runFloe("render", "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef",
		"-o", one, "--attest", filepath.Join(one, "x.jsonl"), "--signing-key", key.private, filepath.Join(root, "demo", name)); code != 2 || stdout != "" || !strings.Contains(stderr, "is inside --output") {
		t.Errorf("render -o DIR --attest DIR/x.jsonl: exit %d, stdout %q, stderr %s; want 2, nothing, a refusal naming --output", code, stdout, stderr)
	}
	if _, err := os.Lstat(one); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", one, err)
	}

	// A batch that cannot sign writes neither OUTDIR nor the attestation.
	for _, tc := range []struct{ name, key, attest string }{
		{"missing key", filepath.Join(work, "nokey"), filepath.Join(work, "x.jsonl")},
		{"a public key", key.public, filepath.Join(work, "x.jsonl")},
		{"unwritable attestation", key.private, filepath.Join(work, "no", "such", "x.jsonl")},
		{"attestation inside OUTDIR", key.private, filepath.Join(work, "out-attestation-inside-OUTDIR", "x.jsonl")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(work, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			code, stdout, stderr := runFloe("render", "--all", root, "--root", root, "--contract", contract, "--image-tag", "0123456789abcdef",
				"-o", out, "--attest", tc.attest, "--signing-key", tc.key)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing: %s", code, stdout, stderr)
			}
			for _, p := range []string{out, tc.attest} {
				if _, err := os.Lstat(p); !os.IsNotExist(err) {
					t.Errorf("%s was written: %v", p, err)
				}
			}
			var names []string
			entries, _ := os.ReadDir(work)
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if strings.Join(names, " ") != "all.intoto.jsonl out" { // nothing staged left behind
				t.Errorf("in %s: %v", work, names)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
