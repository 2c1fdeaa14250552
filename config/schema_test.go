package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/internal/yamlguard"
)

func compileSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	out := map[string]*jsonschema.Schema{}
	for _, k := range SchemaKinds {
		raw, err := Schema(k)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		c := jsonschema.NewCompiler()
		url := "https://floe.dev/schemas/" + k + ".schema.json"
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = s
	}
	return out
}

// instance converts YAML to the JSON value the schema validator expects.
func instance(t *testing.T, data []byte) any {
	t.Helper()
	inst, ok := instanceOf(data)
	if !ok {
		t.Fatalf("not YAML a schema validator can be given:\n%s", data)
	}
	return inst
}

// instanceOf converts YAML to the JSON value the schema validator expects; false for
// input yamlguard refuses (alias bombs, depth) or that is not one JSON-able document.
func instanceOf(data []byte) (any, bool) {
	if yamlguard.Check("input", data) != nil {
		return nil, false
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, false
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return nil, false
	}
	return inst, true
}

func TestSchemasAcceptGoodFixtures(t *testing.T) {
	schemas := compileSchemas(t)
	good := map[string][]string{
		"contract": {"testdata/fixtures/pec-dev.yaml"},
		"manifest": {"testdata/fixtures/manifest-demo.yaml", "testdata/fixtures/manifest-2tier-quickstart.yaml",
			"testdata/fixtures/manifest-enterprise-quickstart.yaml", "testdata/fixtures/manifest-domain-sales-quickstart.yaml",
			"testdata/fixtures/extra/manifest-quickstart-fixture.yaml"},
		"product": {"testdata/fixtures/floe-customer-360.yaml", "testdata/fixtures/floe-hello-orders.yaml",
			"testdata/fixtures/extra/floe-financial-risk.yaml", "testdata/fixtures/extra/floe-iot-telemetry.yaml"},
	}
	// every golden case input that the loader accepts must pass the schema too
	for kind, files := range good {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas[kind].Validate(instance(t, data)); err != nil {
				t.Errorf("%s rejects %s: %v", kind, f, err)
			}
		}
	}
}

// schemaCases are bad inputs both the loader and the schema must reject, except those
// with loaderOnly: a rule only the loader can check (cross-field, ranges, graphs),
// named by its design ID; the schema must accept those, so the list stays true.
var schemaCases = []struct {
	name, kind, base string
	edits            []string // old, new pairs applied to base
	loaderOnly       string
}{
	{"contract default not supported", "contract", "pec-dev.yaml", []string{"default: marquez", "default: atlas"}, "D-IN-01: default is one of alphaSupported"},
	{"contract duplicate approved compute", "contract", "pec-dev.yaml", []string{"      - name: duckdb\n", "      - name: duckdb\n      - name: duckdb\n"}, "D-IN-12: approved computes are distinct"},
	{"product duplicate transform", "product", "floe-customer-360.yaml", []string{"name: stg_transactions", "name: stg_crm_customers"}, "D-IN-15: transform names are distinct"},
	{"product cron hour 24", "product", "floe-customer-360.yaml", []string{`cron: "*/10 * * * *"`, `cron: "0 24 * * *"`}, "D-IN-05: each cron field within its range"},
	{"manifest policy pattern", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: warn\n  naming: {pattern: custom, custom_patterns: ['(?<=x)y']}"}, "D-IN-09: custom patterns are RE2 regular expressions"},
	{"contract apiVersion", "contract", "pec-dev.yaml", []string{"floe.dev/v1alpha1", "floe.dev/v1"}, ""},
	{"contract unknown field", "contract", "pec-dev.yaml", []string{"support:", "suport:"}, ""},
	{"contract spine enum", "contract", "pec-dev.yaml", []string{"recommendedAlphaSpine: dagster", "recommendedAlphaSpine: airflow"}, ""},
	{"contract registry scheme", "contract", "pec-dev.yaml", []string{"artifactRegistry: registry", "artifactRegistry: https://registry"}, ""},
	{"contract registry tag", "contract", "pec-dev.yaml", []string{"data-products\n", "data-products:v1\n"}, ""},
	{"contract namespace", "contract", "pec-dev.yaml", []string{"namespace: floe-dev", "namespace: Floe"}, ""},
	{"contract empty alphaSupported", "contract", "pec-dev.yaml", []string{"alphaSupported: [marquez]", "alphaSupported: []"}, ""},
	{"contract git without path", "contract", "pec-dev.yaml", []string{"    path: manifest.yaml\n", ""}, ""},
	{"contract path escapes", "contract", "pec-dev.yaml", []string{"path: manifest.yaml", "path: ../manifest.yaml"}, ""},
	{"contract policy enforcement", "contract", "pec-dev.yaml", []string{"support:", "policy:\n  enforcement: loud\nsupport:"}, ""},
	{"contract exception expiry", "contract", "pec-dev.yaml", []string{"support:", "policy:\n  exceptions:\n    - {rule: X, resources: [Pod/x], reason: r, approvedBy: a, expires: soon}\nsupport:"}, ""},
	{"manifest version float", "manifest", "manifest-demo.yaml", []string{"version: 1.0.0", "version: 1.0"}, ""},
	{"manifest reserved name", "manifest", "manifest-demo.yaml", []string{"name: floe-demo-platform", "name: admin"}, ""},
	{"manifest env key", "manifest", "manifest-demo.yaml", []string{"plugins:\n", "environments: {}\nplugins:\n"}, ""},
	{"manifest nested unknown", "manifest", "manifest-demo.yaml", []string{"  tracing:\n", "  tracing:\n    sampler: always\n"}, ""},
	{"manifest metadata.scope", "manifest", "manifest-demo.yaml", []string{"  owner: platform-team@floe.dev\n", "  owner: platform-team@floe.dev\n  scope: domain\n"}, ""},
	{"manifest private endpoint", "manifest", "manifest-demo.yaml", []string{"endpoint: http://floe-platform-otel:4317", "endpoint: http://localhost:4317"}, ""},
	{"manifest private 172", "manifest", "manifest-demo.yaml", []string{"endpoint: http://floe-platform-otel:4317", "endpoint: http://172.31.0.1:4317"}, ""},
	{"manifest enforcement enum", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: loud"}, ""},
	{"manifest preset cpu", "manifest", "manifest-demo.yaml", []string{`cpu_request: "100m"`, `cpu_request: "0.5"`}, ""},
	{"manifest preset memory", "manifest", "manifest-demo.yaml", []string{`memory_limit: "512Mi"`, `memory_limit: "2GB"`}, ""},
	{"manifest preset flat incomplete", "manifest", "manifest-demo.yaml", []string{`    memory_limit: "512Mi"` + "\n", ""}, ""},
	{"manifest parent without domain", "manifest", "manifest-demo.yaml", []string{"plugins:\n", "parent_manifest: x.yaml\nplugins:\n"}, ""},
	{"manifest approved_plugins without enterprise", "manifest", "manifest-demo.yaml", []string{"plugins:\n", "approved_plugins: {compute: [duckdb]}\nplugins:\n"}, ""},
	{"manifest blank plugin type", "manifest", "manifest-demo.yaml", []string{"type: dagster", `type: " "`}, ""},
	{"manifest plugin version", "manifest", "manifest-demo.yaml", []string{`version: "0.1.0"`, `version: "v0.1"`}, ""},
	{"manifest retention 0", "manifest", "manifest-demo.yaml", []string{"data_retention_days: 1", "data_retention_days: 0"}, ""},
	{"manifest egress rule without a target", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: warn\n  network_policies: {enabled: true, custom_egress_rules: [{ports: [{port: 443}]}]}"}, ""},
	{"manifest egress rule with two targets", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: warn\n  network_policies: {enabled: true, custom_egress_rules: [{to_namespace: a, to_cidr: 10.0.0.0/8, ports: [{port: 443}]}]}"}, ""},
	{"manifest egress rule without ports", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: warn\n  network_policies: {enabled: true, custom_egress_rules: [{to_namespace: vault}]}"}, ""},
	{"manifest egress namespace", "manifest", "manifest-demo.yaml", []string{"policy_enforcement_level: warn", "policy_enforcement_level: warn\n  network_policies: {enabled: true, custom_egress_rules: [{to_namespace: Vault, ports: [{port: 443}]}]}"}, ""},
	{"product version float", "product", "floe-customer-360.yaml", []string{"version: 1.0.0", "version: 1.0"}, ""},
	{"product trailing hyphen", "product", "floe-customer-360.yaml", []string{"name: customer-360", "name: customer-360-"}, ""},
	{"product double hyphen", "product", "floe-customer-360.yaml", []string{"name: customer-360", "name: customer--360"}, ""},
	{"product uppercase name", "product", "floe-customer-360.yaml", []string{"name: customer-360", "name: Customer-360"}, ""},
	{"product governance", "product", "floe-customer-360.yaml", []string{"schedule:", "governance: {}\nschedule:"}, ""},
	{"product transform description", "product", "floe-customer-360.yaml", []string{"  - name: stg_transactions\n", "  - name: stg_transactions\n    description: x\n"}, ""},
	{"product tier enum", "product", "floe-customer-360.yaml", []string{"tier: silver", "tier: platinum"}, ""},
	{"product cron names", "product", "floe-customer-360.yaml", []string{`cron: "*/10 * * * *"`, `cron: "0 8 * * MON"`}, ""},
	{"product cron macro", "product", "floe-customer-360.yaml", []string{`cron: "*/10 * * * *"`, `cron: "@hourly"`}, ""},
	{"product cron six fields", "product", "floe-customer-360.yaml", []string{`cron: "*/10 * * * *"`, `cron: "0 */10 * * * *"`}, ""},
	{"product label token", "product", "floe-customer-360.yaml", []string{"    domain: retail\n", "    domain: retail\n    TOKEN: x\n"}, ""},
	{"product no transforms", "product", "floe-hello-orders.yaml", []string{"transforms:\n  - name: stg_orders\n    tags: [staging]\n    tier: bronze\n  - name: mart_daily_orders\n    tags: [marts]\n    tier: gold\n    dependsOn: [stg_orders]\n", "transforms: []\n"}, ""},
	{"product kind DataProduct", "product", "floe-customer-360.yaml", []string{"kind: FloeSpec", "kind: DataProduct"}, ""},
	{"product labels non-string", "product", "floe-customer-360.yaml", []string{"tier: gold\n", "tier: gold\n    pii: true\n"}, ""},
}

func TestSchemaAndLoaderAgreeOnBadInputs(t *testing.T) {
	schemas := compileSchemas(t)
	for _, tc := range schemaCases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/fixtures", tc.base))
			if err != nil {
				t.Fatal(err)
			}
			data := strings.Replace(string(raw), "path: demo/manifest.yaml", "path: manifest.yaml", 1)
			for i := 0; i+1 < len(tc.edits); i += 2 {
				if !strings.Contains(data, tc.edits[i]) {
					t.Fatalf("edit %q does not apply", tc.edits[i])
				}
				data = strings.Replace(data, tc.edits[i], tc.edits[i+1], 1)
			}
			dir := t.TempDir()
			write(t, filepath.Join(dir, "manifest.yaml"), "kind: Manifest\n")
			write(t, filepath.Join(dir, "input.yaml"), data)
			r := mustRoot(t, dir)
			var loaderErr error
			switch tc.kind {
			case "contract":
				_, ds := LoadContract(r, "input.yaml")
				loaderErr = ds.Err()
			case "manifest":
				_, ds := LoadManifest(r, "input.yaml")
				loaderErr = ds.Err()
			case "product":
				_, ds := LoadProduct(r, "input.yaml")
				loaderErr = ds.Err()
			}
			if loaderErr == nil {
				t.Errorf("loader accepts it")
			}
			schemaErr := schemas[tc.kind].Validate(instance(t, []byte(data)))
			switch {
			case tc.loaderOnly == "" && schemaErr == nil:
				t.Errorf("schema accepts it (loader: %v)", loaderErr)
			case tc.loaderOnly != "" && schemaErr != nil:
				t.Errorf("listed as loader-only (%s) but the schema rejects it: %v", tc.loaderOnly, schemaErr)
			}
		})
	}
}

func TestSchemaUnknownKind(t *testing.T) {
	if _, err := Schema("helm"); err == nil {
		t.Error("unknown kind accepted")
	}
}
