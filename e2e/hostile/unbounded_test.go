package hostile_test

import (
	"io"
	"strings"
	"testing"
)

// aliasBomb is a "billion laughs" document: ten anchors, each a list of nine aliases of
// the previous one, 9^10 nodes once expanded, under key (indented by indent).
func aliasBomb(key, indent string) string {
	var b strings.Builder
	b.WriteString(indent + key + ":\n")
	b.WriteString(indent + "  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < 10; i++ {
		prev := "*a" + string(rune('0'+i-1))
		b.WriteString(indent + "  a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		b.WriteString(strings.TrimSuffix(strings.Repeat(prev+",", 9), ","))
		b.WriteString("]\n")
	}
	return b.String()
}

// bombStream is a manifest stream whose one object holds an alias bomb.
func bombStream() string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n" + aliasBomb("data", "")
}

// deepValue is a flow sequence nested n deep.
func deepValue(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// deepStream is a manifest stream whose one object nests 100,000 deep.
func deepStream() string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: " + deepValue(100000) + "\n"
}

// endless is a stdin that never ends: chunk repeated forever, produced lazily.
type endless struct {
	chunk []byte
	off   int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.chunk[e.off:])
		n += c
		e.off = (e.off + c) % len(e.chunk)
	}
	return n, nil
}

func endlessYAML() io.Reader  { return &endless{chunk: []byte(strings.Repeat("a: b\n", 1024))} }
func endlessZeros() io.Reader { return &endless{chunk: make([]byte, 64<<10)} }

func text(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

// TestUnboundedInputsAreRefusedEarly: alias bombs, streams that never end, deep nesting,
// oversized files and symlink loops, in every place floe reads them, are refused before
// they cost more than the bounds allow.
func TestUnboundedInputsAreRefusedEarly(t *testing.T) {
	onStdin := func(stdin func() io.Reader) func(s *sandbox, r *repo) via {
		return func(*sandbox, *repo) via { return via{stdin: stdin} }
	}
	inProduct := func(extra string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.appendTo(productFile, extra)
			return via{product: true}
		}
	}
	productDoors := append(append([]door{}, renderDoors...), doorPostRender)
	stdinDoors := []door{doorCheck, doorPostRender}
	cases := []hostileCase{
		{name: "alias-bomb-on-stdin", doors: stdinDoors, setup: onStdin(text(bombStream())),
			wants: []string{"stdin", "alias"}},
		{name: "alias-bomb-in-checked-file", doors: []door{doorCheck}, setup: func(s *sandbox, r *repo) via {
			r.write("bomb.yaml", bombStream())
			return via{file: "bomb.yaml"}
		}, wants: []string{"bomb.yaml", "alias"}},
		{name: "alias-bomb-in-floe.yaml", doors: productDoors, setup: inProduct(aliasBomb("x-bomb", "")),
			wants: []string{productFile, "alias"}},
		{name: "alias-bomb-in-manifest", doors: allDoors, setup: func(s *sandbox, r *repo) via {
			r.replace(manifestFile, "      threads: 4\n", "      threads: 4\n"+aliasBomb("bomb", "      "))
			return via{}
		}, wants: []string{manifestFile, "alias"}},
		{name: "alias-bomb-in-contract", doors: allDoors, setup: func(s *sandbox, r *repo) via {
			r.appendTo(contractFile, aliasBomb("x-bomb", ""))
			return via{}
		}, wants: []string{contractFile, "alias"}},
		{name: "alias-bomb-in-overlay-patch", doors: renderDoors, setup: overlayFiles(map[string]string{
			"kustomization.yaml": "patches:\n- path: bomb.yaml\n",
			"bomb.yaml":          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: customer-360\n" + aliasBomb("x-bomb", ""),
		}), wants: []string{overlayDir + "/bomb.yaml", "alias"}},
		{name: "alias-bomb-in-kustomization", doors: renderDoors, setup: overlayFiles(map[string]string{
			"kustomization.yaml": "commonAnnotations:\n  a: b\n" + aliasBomb("x-bomb", ""),
		}), wants: []string{kustomizationFile, "alias"}},
		{name: "endless-yaml-on-stdin", doors: stdinDoors, setup: onStdin(endlessYAML),
			wants: []string{"stdin", "limit|large|size|MiB|too long"}},
		{name: "endless-zeros-on-stdin", doors: stdinDoors, setup: onStdin(endlessZeros),
			wants: []string{"stdin", "limit|large|size|MiB|binary|NUL|too long"}},
		{name: "deep-nesting-on-stdin", doors: stdinDoors, setup: onStdin(text(deepStream())),
			wants: []string{"stdin", "depth|deep|nest"}},
		{name: "deep-nesting-in-floe.yaml", doors: productDoors, setup: inProduct("x-deep: " + deepValue(100000) + "\n"),
			wants: []string{productFile, "depth|deep|nest"}},
		{name: "oversized-floe.yaml", doors: productDoors, setup: inProduct("# " + strings.Repeat("padding ", 2<<20) + "\n"),
			wants: []string{productFile, "limit|large|size|MiB"}},
		// apimachinery's quantity parser works through the exponent: an overlay's limit
		// would hold floe's resources defaults for minutes.
		{name: "huge-exponent-quantity-in-overlay", doors: renderDoors, setup: overlayFiles(map[string]string{
			"kustomization.yaml": "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n",
			"patch.yaml":         "- op: add\n  path: /spec/template/spec/containers/0/resources\n  value: {limits: {cpu: 1000000E60000000001}}\n",
		}), wants: []string{"limits.cpu", "exponent"}},
		{name: "symlink-fan-out-in-overlay", doors: renderDoors, setup: func(s *sandbox, r *repo) via {
			r.overlay(map[string]string{
				"kustomization.yaml": "resources:\n- fan\n",
				// The kustomization lists its own links: kustomize would walk them.
				"fan/kustomization.yaml": "resources:\n- cm.yaml\n- l0\n- l1\n- l2\n- l3\n- l4\n- l5\n- l6\n- l7\n- up\n",
				"fan/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fan\n",
			})
			// Eight links to the directory itself and two to its parents: a walk that
			// follows them never ends.
			for _, l := range []string{"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7"} {
				r.symlink(overlayDir+"/fan/"+l, ".")
			}
			r.symlink(overlayDir+"/fan/up", "..")
			r.symlink(overlayDir+"/fan/top", "../../..")
			return via{}
		}, wants: []string{overlayDir + "/fan", "symlink|loop|too many|depth|limit"}},
	}
	runRefused(t, cases)
}

// TestUnboundedStdinToDiff: `floe diff --from - --to FILE` reads stdin; endless, bomb
// and deep streams are refused like in check and post-render.
func TestUnboundedStdinToDiff(t *testing.T) {
	cases := []struct {
		name  string
		stdin func() io.Reader
		wants []string
	}{
		{"endless-yaml", endlessYAML, []string{"stdin", "limit|large|size|MiB"}},
		{"endless-zeros", endlessZeros, []string{"stdin", "limit|large|size|MiB|binary|NUL"}},
		{"alias-bomb", text(bombStream()), []string{"stdin", "alias"}},
		{"deep-nesting", text(deepStream()), []string{"stdin", "depth|deep|nest"}},
	}
	for _, c := range cases {
		for _, format := range []string{"text", "json"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				s, r := newSandbox(t), newRepo(t)
				res := s.run(invocation{dir: r.dir, stdin: c.stdin(),
					args: []string{"diff", "--format", format, "--from", "-", "--to", streamFile}})
				assertRefused(t, res, c.wants...)
			})
		}
	}
}
