package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const renderTag = "0123456789abcdef0123456789abcdef01234567"

func TestRenderCommand(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	c360 := filepath.Join(root, "demo", "customer-360")
	base := []string{"render", "--root", root, "--contract", contract, "--image-tag", renderTag}

	// stdout YAML: the reference every other form is compared with.
	code, yamlOut, stderr := runFloe(append(base, c360)...)
	if code != 0 || !strings.Contains(yamlOut, "kind: Deployment\n") || !strings.HasSuffix(yamlOut, "\n") {
		t.Fatalf("render: exit %d\nstdout: %s\nstderr: %s", code, yamlOut, stderr)
	}
	if !strings.Contains(stderr, "SCHED-DAGSTER-UNWIRED") {
		t.Errorf("warnings not on stderr: %q", stderr)
	}
	if strings.Count(yamlOut, "\n---\n") != 3 {
		t.Errorf("want 4 objects in the stream:\n%s", yamlOut)
	}

	t.Run("contract relative to root", func(t *testing.T) {
		code, out, stderr := runFloe("render", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", renderTag, c360)
		if code != 0 || out != yamlOut {
			t.Fatalf("exit %d, same output %v\n%s", code, out == yamlOut, stderr)
		}
	})

	t.Run("json list", func(t *testing.T) {
		code, out, stderr := runFloe(append(base, "--format", "json", c360)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var list struct {
			APIVersion, Kind string
			Items            []map[string]any
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		if list.APIVersion != "v1" || list.Kind != "List" || len(list.Items) != 4 || list.Items[3]["kind"] != "Deployment" {
			t.Errorf("list = %s %s, %d items", list.APIVersion, list.Kind, len(list.Items))
		}
		if i, j := strings.Index(out, `"apiVersion"`), strings.Index(out, `"items"`); i < 0 || j < i {
			t.Errorf("keys not sorted:\n%.200s", out)
		}
	})

	t.Run("runtime floe-jobs", func(t *testing.T) {
		code, out, _ := runFloe(append(base, "--runtime", "floe-jobs", filepath.Join(root, "examples", "hello-orders"))...)
		if code != 0 || !strings.Contains(out, "kind: CronJob\n") || !strings.Contains(out, "suspend: true\n") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})

	t.Run("dir and evidence", func(t *testing.T) {
		t.Setenv("SOURCE_DATE_EPOCH", "1767323045")
		dir := filepath.Join(t.TempDir(), "out")
		ev := filepath.Join(t.TempDir(), "evidence.json")
		for range 2 { // the second run replaces the first's directory
			code, out, stderr := runFloe(append(base, "-o", dir, "--evidence", ev, c360)...)
			if code != 0 || out != "" {
				t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
			}
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		var joined []string
		for _, e := range ents {
			names = append(names, e.Name())
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			joined = append(joined, string(b))
		}
		want := []string{"01-configmap-customer-360-dagster-workspace.yaml", "02-configmap-customer-360-telemetry.yaml", "03-service-customer-360.yaml", "04-deployment-customer-360.yaml"}
		if !slices.Equal(names, want) {
			t.Errorf("files %v, want %v", names, want)
		}
		if strings.Join(joined, "---\n") != yamlOut {
			t.Errorf("files differ from the stdout stream")
		}
		b, err := os.ReadFile(ev)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Runtime, Image, RenderedAt string
			Output                     struct{ SHA256 string }
			Inputs                     []struct{ Role, Path, SHA256 string }
		}
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(yamlOut))
		if e.Output.SHA256 != hex.EncodeToString(sum[:]) || e.Runtime != "dagster" || len(e.Inputs) != 3 || e.RenderedAt != "2026-01-02T03:04:05Z" {
			t.Errorf("evidence %+v", e)
		}
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".out.floe-*"))
		if len(leftovers) > 0 {
			t.Errorf("temporary directories left: %v", leftovers)
		}
	})

	t.Run("check", func(t *testing.T) {
		dir := t.TempDir()
		fresh, stale := filepath.Join(dir, "fresh.yaml"), filepath.Join(dir, "stale.yaml")
		if err := os.WriteFile(fresh, []byte(yamlOut), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stale, []byte(strings.Replace(yamlOut, "replicas: 1", "replicas: 2", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, stderr := runFloe(append(base, "--check", fresh, c360)...); code != 0 || out != "" {
			t.Errorf("fresh: exit %d, stdout %q, stderr %s", code, out, stderr)
		}
		code, out, stderr := runFloe(append(base, "--check", stale, c360)...)
		if code != 1 || !strings.Contains(out, "replicas") || !strings.Contains(stderr, "is stale") {
			t.Errorf("stale: exit %d, stdout %q, stderr %s", code, out, stderr)
		}
		if code, _, stderr := runFloe(append(base, "--check", fresh, "-o", dir, c360)...); code != 2 || !strings.Contains(stderr, "cannot be combined") {
			t.Errorf("check with -o: exit %d: %s", code, stderr)
		}
	})

	t.Run("failures write nothing", func(t *testing.T) {
		keep := filepath.Join(t.TempDir(), "keep")
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(keep, "notes.txt"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "fresh")
		ev := filepath.Join(t.TempDir(), "ev.json")
		badContract := filepath.Join(root, "platform", "bad.yaml")
		if err := os.WriteFile(badContract, []byte("apiVersion: floe.dev/v1alpha1\nkind: PlatformEnvironmentContract\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			args []string
			code int
			err  string
		}{
			{"invalid contract", []string{"render", "--root", root, "--contract", badContract, "--image-tag", renderTag, "-o", fresh, "--evidence", ev, c360}, 2, "platform/bad.yaml"},
			{"no image tag", []string{"render", "--root", root, "--contract", contract, "--evidence", ev, c360}, 2, "no image tag"},
			{"bad image tag", []string{"render", "--root", root, "--contract", contract, "--image-tag", "main", c360}, 2, "not a git commit SHA"},
			{"bad runtime", append(base, "--runtime", "airflow", c360), 2, "want dagster or floe-jobs"},
			{"bad format", append(base, "--format", "toml", c360), 2, "want yaml or json"},
			{"json into dir", append(base, "--format", "json", "-o", fresh, c360), 2, "--format json is for stdout"},
			{"no contract", []string{"render", "--root", root, "--image-tag", renderTag, c360}, 2, "--contract is required"},
			{"foreign dir", append(base, "-o", keep, "--evidence", ev, c360), 2, "notes.txt, which floe did not write"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				code, out, stderr := runFloe(tc.args...)
				if code != tc.code || out != "" || !strings.Contains(stderr, tc.err) {
					t.Fatalf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, tc.code, out, stderr, tc.err)
				}
				for _, p := range []string{fresh, ev} {
					if _, err := os.Stat(p); err == nil {
						t.Errorf("%s was written", p)
					}
				}
				if b, _ := os.ReadFile(filepath.Join(keep, "notes.txt")); string(b) != "mine" {
					t.Errorf("foreign directory changed")
				}
			})
		}
	})
}
