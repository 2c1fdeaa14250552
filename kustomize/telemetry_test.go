package kustomize

import (
	"encoding/json"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var testTelemetry = Telemetry{
	Enforce: []EnvVar{
		{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://floe-platform-otel.floe-dev.svc.cluster.local:4317"},
		{Name: "OPENLINEAGE_URL", Value: "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"},
	},
	Defaults: []EnvVar{
		{Name: "OTEL_SERVICE_NAME", Value: "customer-360"},
		{Name: "FLOE_LOG_JSON", Value: "true"},
	},
}

func TestTelemetry(t *testing.T) {
	withSelector := testTelemetry
	withSelector.Selector = "app.kubernetes.io/instance=customer-360"
	fltRun(t, map[string]fltCase{
		"cronjob container without env": {
			f: testTelemetry,
			in: `
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: dbt
            command: ["dbt"]
`,
			want: `
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: dbt
            command: ["dbt"]
            env:
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: http://floe-platform-otel.floe-dev.svc.cluster.local:4317
            - name: OPENLINEAGE_URL
              value: http://floe-platform-marquez.floe-dev.svc.cluster.local:5000
            - name: OTEL_SERVICE_NAME
              value: customer-360
            - name: FLOE_LOG_JSON
              value: "true"
`,
		},
		"enforce overwrites in place, defaults keep the chart's value, valueFrom counts as set": {
			f: testTelemetry,
			in: `
kind: Job
metadata:
  name: j
spec:
  template:
    spec:
      initContainers:
      - name: init
        env: []
      containers:
      - name: dbt
        env:
        - name: POLARIS_ENDPOINT
          value: http://polaris:8181
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://chart-otel:4317
        - name: OTEL_SERVICE_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: OPENLINEAGE_URL
          valueFrom:
            configMapKeyRef:
              name: x
              key: y
        - name: FLOE_LOG_JSON
          value: "false"
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://duplicate:4317
`,
			want: `
kind: Job
metadata:
  name: j
spec:
  template:
    spec:
      initContainers:
      - name: init
        env:
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://floe-platform-otel.floe-dev.svc.cluster.local:4317
        - name: OPENLINEAGE_URL
          value: http://floe-platform-marquez.floe-dev.svc.cluster.local:5000
        - name: OTEL_SERVICE_NAME
          value: customer-360
        - name: FLOE_LOG_JSON
          value: "true"
      containers:
      - name: dbt
        env:
        - name: POLARIS_ENDPOINT
          value: http://polaris:8181
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://floe-platform-otel.floe-dev.svc.cluster.local:4317
        - name: OTEL_SERVICE_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: OPENLINEAGE_URL
          value: http://floe-platform-marquez.floe-dev.svc.cluster.local:5000
        - name: FLOE_LOG_JSON
          value: "false"
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://floe-platform-otel.floe-dev.svc.cluster.local:4317
`,
		},
		"selector on pod labels; other objects untouched": {
			f: withSelector,
			in: `
kind: Deployment
metadata:
  name: mine
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: customer-360
    spec:
      containers:
      - name: a
---
kind: Deployment
metadata:
  name: theirs
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: other
    spec:
      containers:
      - name: a
---
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/instance: customer-360
data:
  env: x
`,
			want: `
kind: Deployment
metadata:
  name: mine
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: customer-360
    spec:
      containers:
      - name: a
        env:
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://floe-platform-otel.floe-dev.svc.cluster.local:4317
        - name: OPENLINEAGE_URL
          value: http://floe-platform-marquez.floe-dev.svc.cluster.local:5000
        - name: OTEL_SERVICE_NAME
          value: customer-360
        - name: FLOE_LOG_JSON
          value: "true"
---
kind: Deployment
metadata:
  name: theirs
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: other
    spec:
      containers:
      - name: a
---
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/instance: customer-360
data:
  env: x
`,
		},
		"dagster api grpc code server gets a new container context": {
			f: Telemetry{Enforce: []EnvVar{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"}}, Defaults: []EnvVar{{"OTEL_SERVICE_NAME", "customer-360"}}, ConfigMapName: "customer-360-telemetry"},
			in: `
kind: Deployment
metadata:
  name: customer-360
spec:
  template:
    spec:
      containers:
      - name: dagster
        args: [dagster, api, grpc, -h, 0.0.0.0, -p, "3030", -m, customer_360.definitions]
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: r/customer-360:abc
`,
			want: `
kind: Deployment
metadata:
  name: customer-360
spec:
  template:
    spec:
      containers:
      - name: dagster
        args: [dagster, api, grpc, -h, 0.0.0.0, -p, "3030", -m, customer_360.definitions]
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: r/customer-360:abc
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://otel:4317
        - name: OTEL_SERVICE_NAME
          value: customer-360
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '{"k8s":{"env":[{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTEL_SERVICE_NAME","value":"customer-360"}],"env_config_maps":["customer-360-telemetry"]}}'
`,
		},
		"code-server start through a shell gets DAGSTER_CONTAINER_CONTEXT": {
			f: Telemetry{Defaults: []EnvVar{{"OTEL_SERVICE_NAME", "p"}}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        command: ["/bin/sh", "-c"]
        args: ["exec /usr/local/bin/dagster code-server start -h 0.0.0.0 -p 4000 -m defs"]
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        command: ["/bin/sh", "-c"]
        args: ["exec /usr/local/bin/dagster code-server start -h 0.0.0.0 -p 4000 -m defs"]
        env:
        - name: OTEL_SERVICE_NAME
          value: p
        - name: DAGSTER_CONTAINER_CONTEXT
          value: '{"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","value":"p"}]}}'
`,
		},
		"existing contexts (both names) are extended, other keys and entries kept": {
			f: Telemetry{Enforce: []EnvVar{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"}}, Defaults: []EnvVar{{"OTEL_SERVICE_NAME", "p"}}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        env:
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '{"k8s":{"namespace":"dagster","env":[{"name":"OTEL_SERVICE_NAME","value":"chart"},{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],"resources":{"limits":{"cpu":2}}},"env_vars":["X=1"]}'
        - name: DAGSTER_CONTAINER_CONTEXT
          value: '{"k8s":{"env_vars":["OTEL_EXPORTER_OTLP_ENDPOINT=http://old:4317","OTEL_SERVICE_NAME"]}}'
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        env:
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '{"env_vars":["X=1"],"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","value":"chart"},{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"}],"namespace":"dagster","resources":{"limits":{"cpu":2}}}}'
        - name: DAGSTER_CONTAINER_CONTEXT
          value: '{"k8s":{"env_vars":["OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4317","OTEL_SERVICE_NAME"]}}'
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: http://otel:4317
        - name: OTEL_SERVICE_NAME
          value: p
`,
		},
		"a default taken from the container's valueFrom goes into the context as valueFrom": {
			f: Telemetry{Defaults: []EnvVar{{"OTEL_SERVICE_NAME", "p"}}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        args: [dagster, api, grpc]
        env:
        - name: OTEL_SERVICE_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c
        args: [dagster, api, grpc]
        env:
        - name: OTEL_SERVICE_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '{"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}}'
`,
		},
		"readiness probe running dagster api grpc-health-check is not a code server": {
			f: Telemetry{Defaults: []EnvVar{{"A", "1"}}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: webserver
        command: [dagster-webserver, -h, 0.0.0.0]
        readinessProbe:
          exec:
            command: [dagster, api, grpc-health-check, -p, "3030"]
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: webserver
        command: [dagster-webserver, -h, 0.0.0.0]
        readinessProbe:
          exec:
            command: [dagster, api, grpc-health-check, -p, "3030"]
        env:
        - name: A
          value: "1"
`,
		},
		"config map only: plain containers untouched, code servers get a context": {
			f: Telemetry{ConfigMapName: "floe-telemetry"},
			in: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: plain
  - name: server
    args: [dagster, api, grpc]
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: plain
  - name: server
    args: [dagster, api, grpc]
    env:
    - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
      value: '{"k8s":{"env_config_maps":["floe-telemetry"]}}'
`,
		},
		"nothing to add": {
			f: Telemetry{},
			in: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: server
    args: [dagster, api, grpc]
    env: null
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: server
    args: [dagster, api, grpc]
    env: null
`,
		},
		"malformed context JSON": {
			f: testTelemetry,
			in: `
kind: Deployment
metadata:
  name: d
  namespace: ns
spec:
  template:
    spec:
      containers:
      - name: dagster
        env:
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '{"k8s": {'
`,
			err: `telemetry: Deployment/ns/d: container "dagster": DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT: invalid container context JSON`,
		},
		"context from valueFrom": {
			f: testTelemetry,
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: dagster
        env:
        - name: DAGSTER_CONTAINER_CONTEXT
          valueFrom:
            configMapKeyRef: {name: a, key: b}
`,
			err: `container "dagster": DAGSTER_CONTAINER_CONTEXT comes from valueFrom`,
		},
		"env is not a list": {
			f:   testTelemetry,
			in:  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, env: {A: b}}]}\n",
			err: `telemetry: Pod/p: container "c": env is not a list`,
		},
		"invalid name":     {f: Telemetry{Enforce: []EnvVar{{"1BAD", "x"}}}, in: "kind: Pod\n", err: `telemetry: enforce: invalid variable name "1BAD"`},
		"empty name":       {f: Telemetry{Defaults: []EnvVar{{"", "x"}}}, in: "kind: Pod\n", err: `defaults: invalid variable name ""`},
		"name twice":       {f: Telemetry{Enforce: []EnvVar{{"A", "1"}}, Defaults: []EnvVar{{"A", "2"}}}, in: "kind: Pod\n", err: "defaults: A is also listed in enforce"},
		"name twice, same": {f: Telemetry{Enforce: []EnvVar{{"A", "1"}, {"A", "1"}}}, in: "kind: Pod\n", err: "enforce: A is also listed in enforce"},
		"bad selector":     {f: Telemetry{Selector: "=x"}, in: "kind: Pod\n", err: `selector "=x"`},
	})
}

func TestExtendContainerContext(t *testing.T) {
	vars := []ctxVar{
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel:4317", enforce: true},
		{name: "OTEL_SERVICE_NAME", value: "p"},
	}
	cases := map[string]struct {
		raw, cm, want, err string
	}{
		"absent": {
			raw:  "",
			want: `{"k8s":{"env":[{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTEL_SERVICE_NAME","value":"p"}]}}`,
		},
		"null and blank are empty": {
			raw:  " null ",
			want: `{"k8s":{"env":[{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTEL_SERVICE_NAME","value":"p"}]}}`,
		},
		"dagster chart context: other keys kept, sorted, numbers exact, no HTML escaping": {
			raw:  `{"k8s":{"service_account_name":"sa","image_pull_policy":"Always","env_config_maps":["a-user-env"],"resources":{"limits":{"cpu":1.50,"memory":"1Gi"}},"labels":{"x":"<&>"}},"docker":{"networks":["n"]}}`,
			cm:   "floe-telemetry",
			want: `{"docker":{"networks":["n"]},"k8s":{"env":[{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTEL_SERVICE_NAME","value":"p"}],"env_config_maps":["a-user-env","floe-telemetry"],"image_pull_policy":"Always","labels":{"x":"<&>"},"resources":{"limits":{"cpu":1.50,"memory":"1Gi"}},"service_account_name":"sa"}}`,
		},
		"existing env entries: enforce overwrites (dropping value_from), defaults stay": {
			raw:  `{"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","value":"chart"},{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value_from":{"secret_key_ref":{"name":"s","key":"k"}}},{"name":"OTHER","value":"1"}]}}`,
			want: `{"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","value":"chart"},{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTHER","value":"1"}]}}`,
		},
		"unchanged context is returned verbatim": {
			raw:  `{ "k8s": {"env": [{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"}], "env_vars": ["OTEL_SERVICE_NAME=chart"], "env_config_maps": ["floe-telemetry"]} }`,
			cm:   "floe-telemetry",
			want: `{ "k8s": {"env": [{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"}], "env_vars": ["OTEL_SERVICE_NAME=chart"], "env_config_maps": ["floe-telemetry"]} }`,
		},
		"env_vars strings: enforce rewrites, bare names count as set": {
			raw:  `{"k8s":{"env_vars":["OTEL_EXPORTER_OTLP_ENDPOINT","OTEL_SERVICE_NAME"]}}`,
			want: `{"k8s":{"env_vars":["OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4317","OTEL_SERVICE_NAME"]}}`,
		},
		"top-level env_vars are not the k8s ones": {
			raw:  `{"env_vars":["OTEL_SERVICE_NAME=x"]}`,
			want: `{"env_vars":["OTEL_SERVICE_NAME=x"],"k8s":{"env":[{"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://otel:4317"},{"name":"OTEL_SERVICE_NAME","value":"p"}]}}`,
		},
		"malformed":           {raw: `{"k8s":`, err: "invalid container context JSON"},
		"trailing data":       {raw: `{} {}`, err: "data after the object"},
		"not an object":       {raw: `["k8s"]`, err: "container context is a JSON list, want an object"},
		"k8s not an object":   {raw: `{"k8s":"x"}`, err: "container context k8s is a JSON string"},
		"env not a list":      {raw: `{"k8s":{"env":{}}}`, err: "k8s.env is a JSON object, want a list"},
		"env_vars not a list": {raw: `{"k8s":{"env_vars":"A=1"}}`, err: "k8s.env_vars is a JSON string"},
		"config maps not a list": {
			raw: `{"k8s":{"env_config_maps":1}}`, cm: "x", err: "k8s.env_config_maps is a JSON number",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := extendContainerContext(tc.raw, vars, tc.cm)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON %s", got)
			}
			again, err := extendContainerContext(got, vars, tc.cm)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %s, %v", again, err)
			}
		})
	}
}

func TestDagsterServerContextVar(t *testing.T) {
	cases := map[string]struct {
		container string
		want      string
	}{
		"api grpc args":          {`{args: [dagster, api, grpc, -p, "3030"]}`, DagsterGRPCContext},
		"api grpc command":       {`{command: [dagster, api, grpc]}`, DagsterGRPCContext},
		"split command and args": {`{command: [dagster], args: [api, grpc]}`, DagsterGRPCContext},
		"python -m":              {`{command: [python, -m, dagster, api, grpc]}`, DagsterGRPCContext},
		"absolute path in shell": {`{command: [sh, -c, "cd /app && /opt/venv/bin/dagster api grpc -m x"]}`, DagsterGRPCContext},
		"code-server start":      {`{args: [dagster, code-server, start, -m, x]}`, DagsterContext},
		"webserver":              {`{command: [dagster-webserver]}`, ""},
		"daemon":                 {`{command: [dagster-daemon, run]}`, ""},
		"health check":           {`{command: [dagster, api, grpc-health-check]}`, ""},
		"dbt":                    {`{command: [dbt], args: [build]}`, ""},
		"word in a value":        {`{args: [echo, "not dagster api"]}`, ""},
		"no command":             {`{name: x}`, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n, err := yaml.Parse(tc.container)
			if err != nil {
				t.Fatal(err)
			}
			if got := dagsterServerContextVar(n.YNode()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
