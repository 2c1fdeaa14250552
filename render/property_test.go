package render

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/golden"
)

// newProductRoot writes a temporary root with the golden customer-360 contract and
// manifest and a generated floe.yaml; it returns the root and what was generated.
func newProductRoot(t *testing.T, floeYAML string) config.Root {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(golden.Dir(t), "render", "customer-360-dagster")
	for _, f := range []string{"contract.yaml", "manifest.yaml"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "product"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "product", "floe.yaml"), []byte(floeYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// genProduct makes a valid floe.yaml the goldens have never seen: a new name, version,
// schedule (none, enabled, disabled, empty cron) and transform graph.
func genProduct(rng *rand.Rand, i int) (string, string) {
	words := []string{"ledger", "clicks", "inventory", "churn", "iot", "fraud", "supply", "returns", "pricing", "geo"}
	name := fmt.Sprintf("%s-%s%d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i)
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: %s\n  version: \"%d.%d.%d\"\n", name, rng.IntN(5), rng.IntN(20), rng.IntN(100))
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "  labels:\n    domain: %s\n    tier: silver\n", words[rng.IntN(len(words))])
	}
	b.WriteString("platform:\n  manifest: ../manifest.yaml\ntransforms:\n")
	n := 1 + rng.IntN(6)
	for j := range n {
		fmt.Fprintf(&b, "  - name: model_%d\n", j)
		if j > 0 {
			fmt.Fprintf(&b, "    dependsOn: [model_%d]\n", rng.IntN(j))
		}
	}
	switch i % 4 {
	case 1:
		fmt.Fprintf(&b, "schedule:\n  cron: \"%d */%d * * *\"\n  timezone: America/New_York\n", rng.IntN(60), 1+rng.IntN(12))
	case 2:
		fmt.Fprintf(&b, "schedule:\n  cron: \"%d 3 * * 1-5\"\n  enabled: false\n", rng.IntN(60))
	case 3:
		b.WriteString("schedule:\n  cron: \"\"\n")
	}
	return name, b.String()
}

// TestUnseenProducts renders generated products for both runtimes and applies the
// same checks as the goldens (strict k8s decode, PSS restricted, identity, telemetry).
func TestUnseenProducts(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(26, 11))
	for i := range 8 {
		name, spec := genProduct(rng, i)
		root := newProductRoot(t, spec)
		for _, rt := range []string{RuntimeDagster, RuntimeFloeJobs} {
			t.Run(name+"/"+rt, func(t *testing.T) {
				res, err := eng.Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: rt, ImageTag: testTag})
				if err != nil {
					t.Fatalf("%v\n%s", err, spec)
				}
				e := expectFor(t, root, rt)
				if e.product != name {
					t.Fatalf("generated %s, loaded %s", name, e.product)
				}
				checkStream(t, res.YAML, e)
				if res.Runtime != rt || res.Image != "registry.example.com/data-products/"+name+":0123456789ab" {
					t.Errorf("result runtime %s image %s", res.Runtime, res.Image)
				}
				if !strings.Contains(string(res.YAML), "profiles.yml") && rt == RuntimeFloeJobs {
					t.Errorf("no profiles ConfigMap")
				}
			})
		}
	}
}

// TestDeterministic renders every golden case repeatedly, concurrently, and under
// GOMAXPROCS 1, 2 and 8 in process: the bytes never change.
func TestDeterministic(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, dir := range caseDirs(t) {
		c, root := loadCase(t, dir)
		first, err := eng.Render(context.Background(), caseOptions(c, root))
		if err != nil {
			t.Fatal(err)
		}
		for _, procs := range []int{1, 2, 8} {
			runtime.GOMAXPROCS(procs)
			var wg sync.WaitGroup
			outs := make([][]byte, 6)
			for i := range outs {
				wg.Go(func() {
					res, err := eng.Render(context.Background(), caseOptions(c, root))
					if err != nil {
						t.Error(err)
						return
					}
					ev, _ := res.Evidence.JSON()
					outs[i] = append(res.YAML, ev...)
				})
			}
			wg.Wait()
			want, _ := first.Evidence.JSON()
			want = append(append([]byte(nil), first.YAML...), want...)
			for i, o := range outs {
				if !bytes.Equal(o, want) {
					t.Errorf("%s GOMAXPROCS=%d render %d differs:\n%s", filepath.Base(dir), procs, i, golden.Diff(string(want), string(o)))
				}
			}
		}
	}
}

// TestDeterministicProcesses re-runs this test binary as fresh processes with
// GOMAXPROCS 1, 2 and 8 (fresh map seeds, fresh scheduling); TestMain makes such a child
// print every golden case's render and exit. The bytes never change.
func TestDeterministicProcesses(t *testing.T) {
	var want []byte
	for _, procs := range []string{"1", "2", "8"} {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "FLOE_RENDER_CHILD="+filepath.Join(golden.Dir(t), "render"), "GOMAXPROCS="+procs)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("child GOMAXPROCS=%s: %v\n%s", procs, err, errb.String())
		}
		if out.Len() < 1000 {
			t.Fatalf("child GOMAXPROCS=%s printed too little:\n%s", procs, out.String())
		}
		if want == nil {
			want = out.Bytes()
			continue
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("GOMAXPROCS=%s output differs:\n%s", procs, golden.Diff(string(want), out.String()))
		}
	}
}

func TestMain(m *testing.M) {
	if dir := os.Getenv("FLOE_RENDER_CHILD"); dir != "" {
		if err := renderChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// renderChild prints the render and evidence of every golden case under dir.
func renderChild(dir string) error {
	eng, err := NewEngine()
	if err != nil {
		return err
	}
	cases, err := filepath.Glob(filepath.Join(dir, "*", "case.yaml"))
	if err != nil || len(cases) == 0 {
		return fmt.Errorf("no cases under %s: %v", dir, err)
	}
	var b bytes.Buffer
	for _, cf := range cases {
		raw, err := os.ReadFile(cf)
		if err != nil {
			return err
		}
		var c goldenCase
		if err := yaml.Unmarshal(raw, &c); err != nil {
			return err
		}
		root, err := config.OSRoot(filepath.Dir(cf))
		if err != nil {
			return err
		}
		res, err := eng.Render(context.Background(), caseOptions(c, root))
		if err != nil {
			return err
		}
		ev, err := res.Evidence.JSON()
		if err != nil {
			return err
		}
		b.Write(res.YAML)
		b.Write(ev)
	}
	_, err = os.Stdout.Write(b.Bytes())
	return err
}
