package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpAndCompletionOnStdout: what was asked for goes to stdout with exit 0, so
// `floe --help | less` and `source <(floe completion bash)` work; stderr stays empty.
func TestHelpAndCompletionOnStdout(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "Usage:"},
		{[]string{"-h"}, "Usage:"},
		{[]string{"help"}, "Available Commands:"},
		{nil, "Available Commands:"},
		{[]string{"help", "render"}, "floe render"},
		{[]string{"render", "--help"}, "--image-tag"},
		{[]string{"verify", "--help"}, "--attestation"},
		{[]string{"completion", "bash"}, "__start_floe"},
		{[]string{"completion", "zsh"}, "#compdef floe"},
		{[]string{"completion", "fish"}, "complete -c floe"},
		{[]string{"completion", "powershell"}, "Register-ArgumentCompleter"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runFloe(tc.args...)
			if code != 0 || !strings.Contains(stdout, tc.want) || stderr != "" {
				t.Fatalf("code %d, stdout %q…, stderr %q; want 0, stdout with %q, no stderr", code, head(stdout), stderr, tc.want)
			}
		})
	}
}

// TestUsageErrors: an unknown command or flag, or a flag's bad value, is exit 2 with
// cobra's message and where to look on stderr, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"bogus"}, []string{`unknown command "bogus" for "floe"`, "see floe --help"}},
		{[]string{"rendr"}, []string{`unknown command "rendr"`, "did you mean render?"}},
		{[]string{"init", "bogus", "dir"}, []string{`unknown command "bogus" for "floe init"`, "see floe init --help"}},
		{[]string{"--bogus"}, []string{"unknown flag: --bogus", "see floe --help"}},
		{[]string{"render", "--bogus"}, []string{"unknown flag: --bogus", "see floe render --help"}},
		{[]string{"validate", "--quiet=maybe", "x"}, []string{`invalid argument "maybe"`, "see floe validate --help"}},
		{[]string{"completion", "tcsh"}, []string{`unknown command "tcsh" for "floe completion"`}},
		{[]string{"validate"}, []string{"want PRODUCT, or --contract FILE"}},
		{[]string{"help", "bogus"}, []string{`help: unknown command "bogus"`, "see floe --help"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runFloe(tc.args...)
			if code != 2 || stdout != "" {
				t.Fatalf("code %d, stdout %q, stderr %q; want 2 and no stdout", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, stderr := runFloe(args...)
		if code != 0 || stdout != "floe "+floeVersion()+"\n" || stderr != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

func terminalStdin(t *testing.T, tty bool) {
	t.Helper()
	old := stdinIsTerminal
	stdinIsTerminal = func(io.Reader) bool { return tty }
	t.Cleanup(func() { stdinIsTerminal = old })
}

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: floe-dev\ndata:\n  a: b\n"

// TestStdinTerminalRefused: with nothing piped in, check and post-render refuse at
// once (exit 2, a hint) instead of waiting for input; piped, they read it.
func TestStdinTerminalRefused(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--root", root, "--contract", contract}, "no FILE given and stdin is a terminal"},
		{[]string{"post-render", "--root", root, "--contract", contract}, "stdin is a terminal"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			terminalStdin(t, true)
			code, stdout, stderr := runFloe(tc.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "--help") {
				t.Fatalf("terminal: code %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			terminalStdin(t, false)
			if code, _, stderr := runFloeIn(configMap, tc.args...); code != 0 {
				t.Fatalf("piped: code %d, stderr %q; want 0", code, stderr)
			}
		})
	}
	t.Run("check names a file", func(t *testing.T) {
		terminalStdin(t, true)
		in := filepath.Join(root, "empty.yaml")
		if err := os.WriteFile(in, []byte("---\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runFloe("check", "--root", root, "--contract", contract, in); code != 0 {
			t.Fatalf("code %d, stderr %q; a named FILE needs no stdin", code, stderr)
		}
	})
}

// TestWrongKind: a file of another floe kind is named as such, in one error.
func TestWrongKind(t *testing.T) {
	root := demoRoot(t)
	at := func(p string) string { return filepath.Join(root, p) }
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"manifest as contract", []string{"validate", "--root", root, "--contract", at("demo/manifest.yaml"), at("demo/customer-360")},
			"demo/manifest.yaml:16:1: kind: a platform Manifest (kind: Manifest), but --contract wants a PlatformEnvironmentContract"},
		{"product as contract", []string{"render", "--root", root, "--contract", at("demo/customer-360/floe.yaml"), "--image-tag", renderTag, at("demo/customer-360")},
			"demo/customer-360/floe.yaml:2:1: kind: a data product's floe.yaml (kind: FloeSpec), but --contract wants a PlatformEnvironmentContract"},
		{"contract as product", []string{"validate", "--root", root, "--contract", at("platform/pec-dev.yaml"), at("platform/pec-dev.yaml")},
			"platform/pec-dev.yaml:2:1: kind: a PlatformEnvironmentContract (kind: PlatformEnvironmentContract), but PRODUCT wants a FloeSpec"},
		{"manifest as contract alone", []string{"validate", "--root", root, "--contract", at("demo/manifest.yaml")},
			"but --contract wants a PlatformEnvironmentContract"},
		{"manifest as check contract", []string{"check", "--root", root, "--contract", at("demo/manifest.yaml"), at("demo/manifest.yaml")},
			"but --contract wants a PlatformEnvironmentContract"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFloe(tc.args...)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != 2 || stdout != "" || len(lines) != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("code %d, stdout %q, stderr:\n%s\nwant 2 and the one line %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// TestValidateContractAlone: a platform engineer checks a contract and its Manifest
// chain before any product exists.
func TestValidateContractAlone(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	code, stdout, stderr := runFloe("validate", "--root", root, "--contract", contract)
	if code != 0 || stdout != "ok: contract platform/pec-dev.yaml, manifest demo/manifest.yaml, 1 warning(s)\n" {
		t.Fatalf("code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "demo/manifest.yaml:29:1: warning: plugins: X-03: the manifest has no plugins.telemetry_backend") {
		t.Errorf("stderr %q lacks the contract-vs-Manifest warning", stderr)
	}
	code, stdout, _ = runFloe("validate", "--root", root, "--output", "json", "--contract", contract)
	if code != 0 || !strings.Contains(stdout, `"valid": true`) || !strings.Contains(stdout, `"X-03:`) {
		t.Fatalf("json: code %d, stdout %q", code, stdout)
	}

	editFile(t, filepath.Join(root, "demo", "manifest.yaml"), "type: dagster", "type: airflow")
	code, stdout, stderr = runFloe("validate", "--root", root, "--contract", contract)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "demo/manifest.yaml:") || !strings.Contains(stderr, "orchestrator") {
		t.Fatalf("bad manifest: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestQuiet: --quiet silences warnings, not errors.
func TestQuiet(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	product := filepath.Join(root, "demo", "customer-360")
	code, _, stderr := runFloe("validate", "--root", root, "--contract", contract, product)
	if code != 0 || !strings.Contains(stderr, "warning:") {
		t.Fatalf("without --quiet: code %d, stderr %q; want warnings", code, stderr)
	}
	for _, q := range []string{"--quiet", "-q"} {
		code, stdout, stderr := runFloe("validate", q, "--root", root, "--contract", contract, product)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "ok: ") {
			t.Errorf("%s: code %d, stdout %q, stderr %q; want ok and no stderr", q, code, stdout, stderr)
		}
		code, stdout, stderr = runFloe(q, "render", "--root", root, "--contract", contract, "--image-tag", renderTag, product)
		if code != 0 || stderr != "" || stdout == "" {
			t.Errorf("%s render: code %d, stderr %q", q, code, stderr)
		}
	}
	code, _, stderr = runFloe("validate", "-q", "--root", root, "--contract", filepath.Join(root, "demo", "manifest.yaml"), product)
	if code != 2 || !strings.Contains(stderr, "--contract wants") {
		t.Errorf("errors under -q: code %d, stderr %q", code, stderr)
	}
}

// TestInit: init writes valid starting points and never replaces a file.
func TestInit(t *testing.T) {
	root := t.TempDir()
	platform := filepath.Join(root, "platform")
	product := filepath.Join(root, "products", "Orders_Daily")
	code, stdout, stderr := runFloe("init", "contract", "--root", root, platform)
	if code != 0 || !strings.Contains(stdout, "contract.yaml") || !strings.Contains(stdout, "manifest.yaml") {
		t.Fatalf("init contract: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, stdout, stderr = runFloe("init", "product", product); code != 0 {
		t.Fatalf("init product: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	contract := filepath.Join(platform, "contract.yaml")
	for _, args := range [][]string{
		{"validate", "--root", root, "--contract", contract},
		{"validate", "--root", root, "--contract", contract, product},
		{"validate", "--root", root, product},
	} {
		code, stdout, stderr := runFloe(args...)
		if code != 0 || stderr != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want valid, no warning", args[3:], code, stdout, stderr)
		}
	}
	if _, stdout, _ := runFloe("validate", "--root", root, product); !strings.Contains(stdout, "(orders-daily 0.1.0)") {
		t.Errorf("product name: %q; want orders-daily from the directory", stdout)
	}

	// Against the demo's contract too.
	demo := demoRoot(t)
	demoProduct := filepath.Join(demo, "new-product")
	if code, _, stderr := runFloe("init", "product", demoProduct); code != 0 {
		t.Fatalf("init in demo: %d %q", code, stderr)
	}
	if code, stdout, stderr := runFloe("validate", "--root", demo, "--contract", filepath.Join(demo, "platform", "pec-dev.yaml"), demoProduct); code != 0 {
		t.Errorf("against the demo contract: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// Never replaces: every target is checked before anything is written.
	before, _ := os.ReadFile(contract)
	if err := os.Remove(filepath.Join(platform, "manifest.yaml")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runFloe("init", "contract", "--root", root, platform)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "contract.yaml exists") {
		t.Fatalf("over an existing contract: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if after, _ := os.ReadFile(contract); string(after) != string(before) {
		t.Error("the existing contract was changed")
	}
	if _, err := os.Lstat(filepath.Join(platform, "manifest.yaml")); err == nil {
		t.Error("manifest.yaml was written although the contract exists")
	}
	if code, _, stderr := runFloe("init", "product", product); code != 2 || !strings.Contains(stderr, "floe.yaml exists") {
		t.Errorf("over an existing floe.yaml: code %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(platform); len(entries) != 1 {
		t.Errorf("%s holds %d entries; want only contract.yaml (no staged file left)", platform, len(entries))
	}
}

// TestDemoWarningFree: `make demo` (the README's first command) prints no warning.
func TestDemoWarningFree(t *testing.T) {
	demo := filepath.Join("..", "..", "examples", "demo")
	code, stdout, stderr := runFloe("render", "--root", demo, "--contract", "platform/pec-dev.yaml",
		"--image-tag", "0123456789abcdef0123456789abcdef01234567", filepath.Join(demo, "demo", "customer-360"))
	if code != 0 || stdout == "" || stderr != "" {
		t.Fatalf("code %d, stderr:\n%s", code, stderr)
	}
}

func head(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// TestStdinIsTerminal: the null device, a file, a pipe and a reader are streams, not a
// terminal.
func TestStdinIsTerminal(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Open("cli_test.go")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, in := range map[string]io.Reader{"null": null, "file": file, "pipe": r, "reader": strings.NewReader("")} {
		if stdinIsTerminal(in) {
			t.Errorf("%s: taken for a terminal", name)
		}
	}
}
