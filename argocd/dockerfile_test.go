package argocd

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerInstr is one Dockerfile instruction with its arguments.
type dockerInstr struct {
	Cmd  string
	Args []string
	Line int
}

// parseDockerfile reads instructions (comments and blank lines dropped, no line
// continuations: the file does not use them).
func parseDockerfile(t *testing.T, path string) []dockerInstr {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dockerInstr
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			t.Fatalf("%s:%d: line continuations are not supported by this test", path, n)
		}
		fields := strings.Fields(line)
		out = append(out, dockerInstr{Cmd: strings.ToUpper(fields[0]), Args: fields[1:], Line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDockerfile checks what can be checked without a Docker engine: every path the
// build copies from the context exists, the build is static, the runtime image runs as
// uid 999 with plugin.yaml where argocd-cmp-server looks for it.
func TestDockerfile(t *testing.T) {
	instrs := parseDockerfile(t, "../deploy/Dockerfile")
	var froms []string
	var user, entrypoint string
	copies := map[string]string{} // destination -> source (final stage)
	var build string
	for _, in := range instrs {
		switch in.Cmd {
		case "FROM":
			froms = append(froms, in.Args[0])
			copies = map[string]string{}
		case "COPY":
			args := in.Args
			fromStage := false
			for len(args) > 0 && strings.HasPrefix(args[0], "--") {
				fromStage = fromStage || strings.HasPrefix(args[0], "--from=")
				args = args[1:]
			}
			if len(args) < 2 {
				t.Fatalf("Dockerfile:%d: COPY needs a source and a destination", in.Line)
			}
			for _, src := range args[:len(args)-1] {
				copies[args[len(args)-1]] = src
				if fromStage {
					continue
				}
				if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(src))); err != nil {
					t.Errorf("Dockerfile:%d: COPY source %s does not exist in the build context (the repository root): %v", in.Line, src, err)
				}
			}
		case "RUN":
			if slices.Contains(in.Args, "build") {
				build = strings.Join(in.Args, " ")
			}
		case "USER":
			user = in.Args[0]
		case "ENTRYPOINT":
			entrypoint = strings.Join(in.Args, " ")
		}
	}
	if len(froms) != 2 {
		t.Fatalf("want a two-stage build, got FROM %v", froms)
	}
	for _, img := range froms {
		if !strings.Contains(img, ":") || strings.HasSuffix(img, ":latest") {
			t.Errorf("base image %s is not pinned to a tag", img)
		}
	}
	if !strings.HasPrefix(froms[1], "gcr.io/distroless/static") && froms[1] != "scratch" {
		t.Errorf("runtime image %s: want distroless/static or scratch", froms[1])
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.HasSuffix(build, "./cmd/floe") {
		t.Errorf("build step %q: want a CGO_ENABLED=0 build of ./cmd/floe", build)
	}
	if _, err := os.Stat(filepath.Join("..", "cmd", "floe", "main.go")); err != nil {
		t.Errorf("./cmd/floe: %v", err)
	}
	// deploy/argocd-cmp sets no command: the image's entrypoint must be floe cmp-server,
	// as in the image `make image` builds.
	if entrypoint != `["/usr/local/bin/floe", "cmp-server"]` {
		t.Errorf("ENTRYPOINT %s, want [\"/usr/local/bin/floe\", \"cmp-server\"]", entrypoint)
	}
	if user != "999" {
		t.Errorf("USER %q, want 999 (Argo CD runs CMP sidecars as uid 999)", user)
	}
	if src := copies["/home/argocd/cmp-server/config/plugin.yaml"]; src != "argocd/plugin.yaml" {
		t.Errorf("plugin.yaml copied from %q, want argocd/plugin.yaml", src)
	}
	// The plugin's commands are looked up on PATH: floe must land in a PATH directory.
	if _, ok := copies["/usr/local/bin/floe"]; !ok {
		t.Errorf("floe is not copied to /usr/local/bin/floe: %v", copies)
	}
	// The builder's Go must be at least the module's go line.
	gomod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	got := regexp.MustCompile(`^golang:(\d+\.\d+)`).FindStringSubmatch(froms[0])
	if want == nil || got == nil || got[1] != string(want[1]) {
		t.Errorf("builder %s does not match go.mod's go line", froms[0])
	}
	if !slices.ContainsFunc(instrs, func(in dockerInstr) bool {
		return in.Cmd == "VOLUME" && strings.Contains(strings.Join(in.Args, " "), "/tmp")
	}) {
		t.Error("no writable /tmp declared (VOLUME)")
	}
}
