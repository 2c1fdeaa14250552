package argocd

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	_ "github.com/floe-dev/floe/golden"
)

const sha = "0123456789abcdef0123456789abcdef01234567"

// argoEnv is the environment the repo-server sends for an Application at
// demo/customer-360 with no plugin parameters.
func argoEnv(extra map[string]string) func(string) string {
	m := map[string]string{
		EnvAppName:       "customer-360-dev",
		EnvAppNamespace:  "floe-dev",
		EnvAppRevision:   sha,
		EnvSourcePath:    "demo/customer-360",
		EnvSourceRepoURL: "https://github.com/example/data.git",
		EnvFloeContract:  "platform/pec-dev.yaml",
	}
	for k, v := range extra {
		if v == "<unset>" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

const cwd = "/tmp/_cmp_server/123/demo/customer-360"

func TestFromEnv(t *testing.T) {
	base := Options{
		Root:         "/tmp/_cmp_server/123",
		SourcePath:   "demo/customer-360",
		ProductPath:  "demo/customer-360/floe.yaml",
		ContractPath: "platform/pec-dev.yaml",
		ImageTag:     sha,
		AppName:      "customer-360-dev",
		AppNamespace: "floe-dev",
		Annotations: map[string]string{
			AnnotationApp:            "customer-360-dev",
			AnnotationSourceRepo:     "https://github.com/example/data.git",
			AnnotationSourceRevision: sha,
			AnnotationSourcePath:     "demo/customer-360",
		},
	}
	with := func(f func(*Options)) Options {
		o := base
		o.Annotations = map[string]string{}
		for k, v := range base.Annotations {
			o.Annotations[k] = v
		}
		f(&o)
		return o
	}
	tests := map[string]struct {
		env  map[string]string
		cwd  string
		want Options
	}{
		"defaults from plugin env and plugin.yaml": {want: base},
		"parameters JSON wins over plugin env": {
			env: map[string]string{
				EnvAppParameters:    `[{"name":"contract","string":"platform/pec-prod.yaml"},{"name":"runtime","string":"floe-jobs"},{"name":"enforcement","string":"strict"}]`,
				"PARAM_CONTRACT":    "platform/pec-prod.yaml",
				"PARAM_RUNTIME":     "floe-jobs",
				"PARAM_ENFORCEMENT": "strict",
				EnvFloeRuntime:      "dagster",
			},
			want: with(func(o *Options) {
				o.ContractPath, o.Runtime, o.Enforcement = "platform/pec-prod.yaml", "floe-jobs", "strict"
			}),
		},
		"PARAM_ vars alone (hand-run plugin)": {
			env:  map[string]string{"PARAM_RUNTIME": "floe-jobs"},
			want: with(func(o *Options) { o.Runtime = "floe-jobs" }),
		},
		"plugin env runtime and enforcement": {
			env:  map[string]string{EnvFloeRuntime: "floe-jobs", EnvFloeEnforce: "warn"},
			want: with(func(o *Options) { o.Runtime, o.Enforcement = "floe-jobs", "warn" }),
		},
		"empty parameter falls back to plugin env": {
			env: map[string]string{
				EnvAppParameters: `[{"name":"runtime","string":""}]`,
				EnvFloeRuntime:   "floe-jobs",
			},
			want: with(func(o *Options) { o.Runtime = "floe-jobs" }),
		},
		"null parameter list (plugin without parameters)": {
			env:  map[string]string{EnvAppParameters: "null"},
			want: base,
		},
		"informational parameters are ignored": {
			env: map[string]string{
				EnvAppParameters: `[{"name":"runtimes","array":["dagster"]},{"name":"approved-compute","array":[]}]`,
			},
			want: base,
		},
		"application at the repository root": {
			env: map[string]string{EnvSourcePath: "."},
			cwd: "/tmp/_cmp_server/123",
			want: with(func(o *Options) {
				o.SourcePath, o.ProductPath = ".", "floe.yaml"
				o.Annotations[AnnotationSourcePath] = "."
			}),
		},
		"empty source path is the root": {
			env: map[string]string{EnvSourcePath: ""},
			cwd: "/tmp/_cmp_server/123/",
			want: with(func(o *Options) {
				o.SourcePath, o.ProductPath = ".", "floe.yaml"
				o.Annotations[AnnotationSourcePath] = "."
			}),
		},
		"source path with slashes is cleaned": {
			env:  map[string]string{EnvSourcePath: "/demo//customer-360/"},
			want: base,
		},
		"upper-case revision is lowered": {
			env:  map[string]string{EnvAppRevision: strings.ToUpper(sha)},
			want: base,
		},
		"no revision: no image tag (generate refuses later)": {
			env: map[string]string{EnvAppRevision: "<unset>"},
			want: with(func(o *Options) {
				o.ImageTag = ""
				delete(o.Annotations, AnnotationSourceRevision)
			}),
		},
		"credentials are dropped from the repository URL": {
			env: map[string]string{EnvSourceRepoURL: "https://bot:s3cr3t@git.example.com/data.git?token=abc#frag"},
			want: with(func(o *Options) {
				o.Annotations[AnnotationSourceRepo] = "https://git.example.com/data.git"
			}),
		},
		"scp-like repository address is kept": {
			env: map[string]string{EnvSourceRepoURL: "git@github.com:example/data.git"},
			want: with(func(o *Options) {
				o.Annotations[AnnotationSourceRepo] = "git@github.com:example/data.git"
			}),
		},
		"scp-like address with a password is dropped": {
			env:  map[string]string{EnvSourceRepoURL: "bot:s3cr3t@github.com:example/data.git"},
			want: with(func(o *Options) { delete(o.Annotations, AnnotationSourceRepo) }),
		},
		"no app name: no app annotation": {
			env: map[string]string{EnvAppName: "<unset>"},
			want: with(func(o *Options) {
				o.AppName = ""
				delete(o.Annotations, AnnotationApp)
			}),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := tc.cwd
			if dir == "" {
				dir = cwd
			}
			got, err := FromEnv(argoEnv(tc.env), dir)
			if err != nil {
				t.Fatalf("FromEnv: %v", err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("options (-want +got):\n%s", d)
			}
		})
	}
}

func TestFromEnvErrors(t *testing.T) {
	tests := map[string]struct {
		env     map[string]string
		cwd     string
		want    []string // substrings of the error, all required
		notWant string   // a value that must never be echoed
	}{
		"unknown parameter": {
			env:  map[string]string{EnvAppParameters: `[{"name":"values","string":"x"}]`},
			want: []string{`unknown parameter "values"`, "contract, runtime, enforcement"},
		},
		"runtime not in the enum": {
			env:  map[string]string{EnvAppParameters: `[{"name":"runtime","string":"airflow"}]`},
			want: []string{`parameter runtime: "airflow": want one of dagster, floe-jobs`},
		},
		"enforcement not in the enum (plugin env)": {
			env:  map[string]string{EnvFloeEnforce: "STRICT"},
			want: []string{`ARGOCD_ENV_FLOE_ENFORCEMENT: "STRICT": want one of off, warn, strict`},
		},
		"runtime given as an array": {
			env:  map[string]string{EnvAppParameters: `[{"name":"runtime","array":["dagster"]}]`},
			want: []string{"parameter runtime: want a string, got array"},
		},
		"contract escapes the repository": {
			env:  map[string]string{EnvAppParameters: `[{"name":"contract","string":"../other/pec.yaml"}]`},
			want: []string{`parameter contract: "../other/pec.yaml" leaves the repository`},
		},
		"contract escapes in the middle": {
			env:  map[string]string{EnvFloeContract: "platform/../../pec.yaml"},
			want: []string{"leaves the repository"},
		},
		"absolute contract": {
			env:  map[string]string{EnvFloeContract: "/etc/passwd"},
			want: []string{`ARGOCD_ENV_FLOE_CONTRACT: "/etc/passwd" is absolute`},
		},
		"unclean contract": {
			env:  map[string]string{EnvFloeContract: "./platform/pec-dev.yaml"},
			want: []string{`is not a clean path (want "platform/pec-dev.yaml")`},
		},
		"contract naming the root": {
			env:  map[string]string{EnvFloeContract: "."},
			want: []string{`"." is not a contract file`},
		},
		"no contract at all": {
			env:  map[string]string{EnvFloeContract: "<unset>"},
			want: []string{"no contract: set the Application's plugin parameter contract or its plugin env FLOE_CONTRACT"},
		},
		"no contract, and another problem": {
			env:  map[string]string{EnvFloeContract: "<unset>", EnvFloeRuntime: "spark"},
			want: []string{`ARGOCD_ENV_FLOE_RUNTIME: "spark"`},
		},
		"broken parameter JSON": {
			env:  map[string]string{EnvAppParameters: `[{"name":"runtime","string":"dagster"}`},
			want: []string{"ARGOCD_APP_PARAMETERS"},
		},
		"PARAM_ var disagrees with the JSON": {
			env: map[string]string{
				EnvAppParameters: `[{"name":"runtime","string":"dagster"}]`,
				"PARAM_RUNTIME":  "floe-jobs",
			},
			want: []string{"PARAM_RUNTIME disagrees with ARGOCD_APP_PARAMETERS"},
		},
		"working directory does not end with the source path": {
			cwd:  "/tmp/_cmp_server/123/customer-360",
			want: []string{"does not end with ARGOCD_APP_SOURCE_PATH", "manifest-generate-paths"},
		},
		"source path climbing out": {
			env:  map[string]string{EnvSourcePath: "../customer-360"},
			want: []string{"ARGOCD_APP_SOURCE_PATH: \"../customer-360\" climbs out of the repository"},
		},
		"relative working directory": {
			cwd:  "demo/customer-360",
			want: []string{"is not absolute"},
		},
		"revision is not a commit": {
			env:  map[string]string{EnvAppRevision: "v1.2.3"},
			want: []string{`ARGOCD_APP_REVISION "v1.2.3" is not a full 40-hex git commit SHA`},
		},
		"short revision": {
			env:  map[string]string{EnvAppRevision: sha[:12]},
			want: []string{"is not a full 40-hex git commit SHA"},
		},
		"sha256 repository revision (the image tag is at most 40 hex)": {
			env:  map[string]string{EnvAppRevision: strings.Repeat("ab", 32)},
			want: []string{"is not a full 40-hex git commit SHA"},
		},
		"every problem is reported": {
			env: map[string]string{
				EnvAppParameters: `[{"name":"runtime","string":"x"},{"name":"enforcement","string":"y"},{"name":"z","string":"1"}]`,
				EnvAppRevision:   "main",
			},
			want: []string{`unknown parameter "z"`, `parameter runtime: "x"`, `parameter enforcement: "y"`, `ARGOCD_APP_REVISION "main"`},
		},
		"a secret in the repository URL is never echoed": {
			env:     map[string]string{EnvSourceRepoURL: "https://bot:hunter2@git.example.com/x.git", EnvAppRevision: "bad"},
			want:    []string{"ARGOCD_APP_REVISION"},
			notWant: "hunter2",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := tc.cwd
			if dir == "" {
				dir = cwd
			}
			got, err := FromEnv(argoEnv(tc.env), dir)
			if err == nil {
				t.Fatalf("FromEnv succeeded with %+v; want an error", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
				t.Errorf("error echoes a secret: %q", err)
			}
			if d := cmp.Diff(Options{}, got); d != "" {
				t.Errorf("options returned with an error:\n%s", d)
			}
		})
	}
}

// TestReadEnvWithoutContract: the announcement works before a contract is configured.
func TestReadEnvWithoutContract(t *testing.T) {
	o, err := ReadEnv(argoEnv(map[string]string{EnvFloeContract: "<unset>"}), cwd)
	if err != nil {
		t.Fatal(err)
	}
	if o.ContractPath != "" || o.Root != "/tmp/_cmp_server/123" {
		t.Fatalf("got %+v", o)
	}
	if _, err := FromEnv(argoEnv(map[string]string{EnvFloeContract: "<unset>"}), cwd); !errors.Is(err, ErrNoContract) {
		t.Fatalf("FromEnv error %v, want ErrNoContract", err)
	}
}
