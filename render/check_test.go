package render

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/floe-dev/floe/kustomize"
)

// expect is what every rendered product must satisfy, derived from its inputs
// independently of the renderer's own resolve stage.
type expect struct {
	product, version, namespace, serviceAccount string
	registry, tag12                             string
	lineageNamespace                            string
	runtime                                     string
	cron, timezone                              string
	enabled                                     bool
	secretRefs                                  []string
	forbidden                                   []string // strings that must never appear (literal secrets)
	networkPolicy                               bool     // the Manifest enables network policies (D-RND-18)
}

// strictDecoder decodes into k8s.io/api types, failing on unknown or misspelt fields.
var strictDecoder = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

// requiredEnv must be on every container and in the Dagster container context.
var requiredEnv = []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OPENLINEAGE_URL", "OPENLINEAGE_NAMESPACE"}

// checkStream decodes every object of a canonical stream strictly and checks it against
// Pod Security "restricted" and floe's guarantees (identity, resources, image, telemetry).
func checkStream(t *testing.T, stream []byte, e expect) {
	t.Helper()
	for _, f := range e.forbidden {
		if strings.Contains(string(stream), f) {
			t.Errorf("output contains %q", f)
		}
	}
	nodes, err := kustomize.ParseStream(stream)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, n := range nodes {
		doc, err := n.String()
		if err != nil {
			t.Fatal(err)
		}
		obj, gvk, err := strictDecoder.Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Errorf("strict decode of %s/%s: %v", n.GetKind(), n.GetName(), err)
			continue
		}
		kinds[gvk.Kind]++
		id := gvk.Kind + "/" + n.GetName()
		if ns := n.GetNamespace(); ns != e.namespace {
			t.Errorf("%s: namespace %q, want %q", id, ns, e.namespace)
		}
		if lbl := n.GetLabels()["floe.dev/product"]; lbl != e.product {
			t.Errorf("%s: label floe.dev/product = %q", id, lbl)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			checkPod(t, id, &o.Spec.Template.Spec, e)
			checkDagster(t, o, e)
		case *batchv1.CronJob:
			checkPod(t, id, &o.Spec.JobTemplate.Spec.Template.Spec, e)
			if o.Name != e.product+"-dbt" {
				t.Errorf("%s: want name %s-dbt", id, e.product)
			}
			if o.Spec.Schedule != e.cron || o.Spec.TimeZone == nil || *o.Spec.TimeZone != e.timezone {
				t.Errorf("%s: schedule %q tz %v, want %q %q", id, o.Spec.Schedule, o.Spec.TimeZone, e.cron, e.timezone)
			}
			if o.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
				t.Errorf("%s: concurrencyPolicy %q", id, o.Spec.ConcurrencyPolicy)
			}
			if o.Spec.Suspend == nil || *o.Spec.Suspend != !e.enabled {
				t.Errorf("%s: suspend %v, want %v", id, o.Spec.Suspend, !e.enabled)
			}
			if l := o.Spec.JobTemplate.Spec.Template.Labels["app.kubernetes.io/part-of"]; l != "floe-jobs" {
				t.Errorf("%s: pod label part-of = %q, want floe-jobs (POL-NET-01)", id, l)
			}
		case *batchv1.Job:
			checkPod(t, id, &o.Spec.Template.Spec, e)
			if want := e.product + "-dbt-" + e.tag12[:8]; o.Name != want {
				t.Errorf("%s: want name %s (D-RND-09)", id, want)
			}
			if o.Spec.TTLSecondsAfterFinished != nil {
				t.Errorf("%s: ttlSecondsAfterFinished set; a GitOps controller would re-create and re-run the Job", id)
			}
		case *corev1.Secret:
			t.Errorf("%s: floe never renders Secrets", id)
		case *corev1.Service:
			if o.Name != e.product || len(o.Spec.Ports) != 1 || o.Spec.Ports[0].Port != 3030 || o.Spec.Ports[0].Name != "grpc" {
				t.Errorf("%s: want Service %s with port 3030 named grpc (POL-DAG-01), got %+v", id, e.product, o.Spec.Ports)
			}
		case *networkingv1.NetworkPolicy:
			checkNetworkPolicy(t, id, o, e)
		case *corev1.ConfigMap:
			if strings.HasSuffix(o.Name, "-dagster-workspace") {
				// D-WS-05: the entry floe workspace gathers, namespace-qualified, and no
				// dagster-user-deployments fragment the official chart's schema rejects.
				host := "host: " + e.product + "." + e.namespace + ".svc.cluster.local\n"
				if !strings.Contains(o.Data["workspace.yaml"], host) || len(o.Data) != 1 {
					t.Errorf("%s: want only workspace.yaml with %q:\n%v", id, host, o.Data)
				}
			}
		}
	}
	want := map[string]int{"ConfigMap": 2, "Deployment": 1, "Service": 1}
	if e.runtime == RuntimeFloeJobs {
		want = map[string]int{"ConfigMap": 1, "CronJob": 1}
		if e.cron == "" {
			want = map[string]int{"ConfigMap": 1, "Job": 1}
		}
	}
	if e.networkPolicy {
		want["NetworkPolicy"] = 1
	}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
}

// checkNetworkPolicy: D-RND-18's product NetworkPolicy selects the product's pods, governs
// both directions, and admits DNS to kube-system and the platform's Polaris and OTLP
// ports; the Dagster code server admits gRPC from Dagster's pods.
func checkNetworkPolicy(t *testing.T, id string, o *networkingv1.NetworkPolicy, e expect) {
	t.Helper()
	if got := o.Spec.PodSelector.MatchLabels; len(got) != 1 || got["floe.dev/product"] != e.product {
		t.Errorf("%s: podSelector %v, want floe.dev/product=%s", id, got, e.product)
	}
	if fmt.Sprint(o.Spec.PolicyTypes) != "[Ingress Egress]" {
		t.Errorf("%s: policyTypes %v", id, o.Spec.PolicyTypes)
	}
	admits := map[string]bool{}
	for _, r := range o.Spec.Egress {
		for _, p := range r.Ports {
			admits[fmt.Sprintf("%s/%s", *p.Protocol, p.Port.String())] = true
		}
	}
	for _, p := range []string{"UDP/53", "TCP/53", "TCP/8181", "TCP/4317"} {
		if !admits[p] {
			t.Errorf("%s: egress does not admit %s: %v", id, p, admits)
		}
	}
	ingress := len(o.Spec.Ingress) == 1 && len(o.Spec.Ingress[0].Ports) == 1 && o.Spec.Ingress[0].Ports[0].Port.IntValue() == 3030
	if ingress != (e.runtime == RuntimeDagster) {
		t.Errorf("%s: ingress %+v (runtime %s)", id, o.Spec.Ingress, e.runtime)
	}
}

// checkPod is the Pod Security "restricted" profile plus floe's pod guarantees.
func checkPod(t *testing.T, id string, spec *corev1.PodSpec, e expect) {
	t.Helper()
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Errorf("%s: host namespaces", id)
	}
	if spec.ServiceAccountName != e.serviceAccount {
		t.Errorf("%s: serviceAccountName %q, want %q", id, spec.ServiceAccountName, e.serviceAccount)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken must be false", id)
	}
	psc := spec.SecurityContext
	if psc == nil {
		t.Fatalf("%s: no pod securityContext", id)
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			t.Errorf("%s: hostPath volume %s", id, v.Name)
		}
		if v.EmptyDir == nil && v.ConfigMap == nil && v.Secret == nil && v.Projected == nil && v.DownwardAPI == nil {
			t.Errorf("%s: volume %s has a type the restricted profile does not allow", id, v.Name)
		}
	}
	all := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	if len(spec.Containers) == 0 {
		t.Errorf("%s: no containers", id)
	}
	for _, c := range all {
		cid := id + " container " + c.Name
		sc := c.SecurityContext
		if sc == nil {
			t.Errorf("%s: no securityContext", cid)
			continue
		}
		nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) || (sc.RunAsNonRoot == nil && psc.RunAsNonRoot != nil && *psc.RunAsNonRoot)
		if !nonRoot {
			t.Errorf("%s: runAsNonRoot not true", cid)
		}
		if uid := firstInt(sc.RunAsUser, psc.RunAsUser); uid == nil || *uid == 0 {
			t.Errorf("%s: runAsUser unset or 0", cid)
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = psc.SeccompProfile
		}
		if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault && seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
			t.Errorf("%s: seccompProfile must be RuntimeDefault or Localhost", cid)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Errorf("%s: allowPrivilegeEscalation must be false", cid)
		}
		if sc.Privileged != nil && *sc.Privileged {
			t.Errorf("%s: privileged", cid)
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
			t.Errorf("%s: capabilities must drop ALL and add nothing", cid)
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			t.Errorf("%s: readOnlyRootFilesystem must be true (POL-SEC-04)", cid)
		}
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				t.Errorf("%s: hostPort", cid)
			}
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("%s: no %s request", cid, r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("%s: no %s limit", cid, r)
			}
		}
		if want := e.registry + "/" + e.product + ":" + e.tag12; c.Image != want {
			t.Errorf("%s: image %q, want %q", cid, c.Image, want)
		}
		env := map[string]string{}
		for _, v := range c.Env {
			if v.ValueFrom != nil {
				t.Errorf("%s: env %s from valueFrom", cid, v.Name)
			}
			env[v.Name] = v.Value
		}
		checkEnv(t, cid, env, e)
		var refs []string
		for _, ef := range c.EnvFrom {
			if ef.SecretRef != nil {
				refs = append(refs, ef.SecretRef.Name)
			}
		}
		if !slices.Equal(refs, e.secretRefs) {
			t.Errorf("%s: envFrom secrets %v, want %v", cid, refs, e.secretRefs)
		}
		for _, m := range c.VolumeMounts {
			for _, b := range blockedMountRoots {
				if m.MountPath == b || m.MountPath == "/" {
					t.Errorf("%s: mount at blocked path %s", cid, m.MountPath)
				}
			}
		}
	}
}

func checkEnv(t *testing.T, where string, env map[string]string, e expect) {
	t.Helper()
	for _, n := range requiredEnv {
		if env[n] == "" {
			t.Errorf("%s: env %s missing", where, n)
		}
	}
	if env["OTEL_SERVICE_NAME"] != e.product {
		t.Errorf("%s: OTEL_SERVICE_NAME = %q", where, env["OTEL_SERVICE_NAME"])
	}
	attrs := "," + env["OTEL_RESOURCE_ATTRIBUTES"] + ","
	for _, a := range []string{"floe.product.name=" + e.product, "floe.product.version=" + e.version, "floe.namespace=" + e.lineageNamespace} {
		if !strings.Contains(attrs, ","+a+",") {
			t.Errorf("%s: OTEL_RESOURCE_ATTRIBUTES %q lacks %s", where, env["OTEL_RESOURCE_ATTRIBUTES"], a)
		}
	}
	if env["OPENLINEAGE_NAMESPACE"] != e.lineageNamespace {
		t.Errorf("%s: OPENLINEAGE_NAMESPACE = %q, want %q", where, env["OPENLINEAGE_NAMESPACE"], e.lineageNamespace)
	}
}

// checkDagster checks the code server's Dagster wiring and its container context.
func checkDagster(t *testing.T, d *appsv1.Deployment, e expect) {
	t.Helper()
	if d.Name != e.product {
		t.Errorf("Deployment %s: want name %s", d.Name, e.product)
	}
	c := d.Spec.Template.Spec.Containers[0]
	wantArgs := []string{"dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", slug(e.product) + ".definitions", "-a", "defs", "-d", "/app"}
	if !slices.Equal(c.Args, wantArgs) {
		t.Errorf("code server args %v, want %v", c.Args, wantArgs)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.Exec == nil || !slices.Contains(c.ReadinessProbe.Exec.Command, "grpc-health-check") {
		t.Errorf("code server readiness probe %+v", c.ReadinessProbe)
	}
	if e.cron != "" && d.Annotations["floe.dev/schedule"] != e.cron {
		t.Errorf("Deployment: floe.dev/schedule = %q, want %q (D-RND-07)", d.Annotations["floe.dev/schedule"], e.cron)
	}
	var raw string
	for _, v := range c.Env {
		if v.Name == "DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT" {
			raw = v.Value
		}
		if v.Name == "DAGSTER_CURRENT_IMAGE" && v.Value != e.registry+"/"+e.product+":"+e.tag12 {
			t.Errorf("DAGSTER_CURRENT_IMAGE = %q", v.Value)
		}
	}
	// Fields are dagster-k8s K8sContainerContext keys; an unknown key fails the decode.
	var ctx struct {
		K8s struct {
			Env []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"env"`
			EnvConfigMaps      []string                     `json:"env_config_maps"`
			EnvSecrets         []string                     `json:"env_secrets"`
			ImagePullPolicy    string                       `json:"image_pull_policy"`
			ServiceAccountName string                       `json:"service_account_name"`
			Namespace          string                       `json:"namespace"`
			Resources          map[string]map[string]string `json:"resources"`
			SecurityContext    map[string]any               `json:"security_context"`
			RunK8sConfig       struct {
				PodSpecConfig map[string]any `json:"pod_spec_config"`
			} `json:"run_k8s_config"`
			VolumeMounts []map[string]any  `json:"volume_mounts"`
			Volumes      []map[string]any  `json:"volumes"`
			Labels       map[string]string `json:"labels"`
		} `json:"k8s"`
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ctx); err != nil {
		t.Fatalf("container context %q: %v", raw, err)
	}
	env := map[string]string{}
	for _, v := range ctx.K8s.Env {
		env[v.Name] = v.Value
	}
	checkEnv(t, "container context", env, e)
	k := ctx.K8s
	if k.ServiceAccountName != e.serviceAccount || k.Namespace != e.namespace {
		t.Errorf("container context identity: sa %q ns %q", k.ServiceAccountName, k.Namespace)
	}
	if !slices.Contains(k.EnvConfigMaps, e.product+"-telemetry") {
		t.Errorf("container context env_config_maps %v", k.EnvConfigMaps)
	}
	if !slices.Equal(k.EnvSecrets, e.secretRefs) && !(len(k.EnvSecrets) == 0 && len(e.secretRefs) == 0) {
		t.Errorf("container context env_secrets %v, want %v", k.EnvSecrets, e.secretRefs)
	}
	for _, part := range []string{"requests", "limits"} {
		if k.Resources[part]["cpu"] == "" || k.Resources[part]["memory"] == "" {
			t.Errorf("container context resources.%s = %v", part, k.Resources[part])
		}
	}
	if k.SecurityContext["allow_privilege_escalation"] != false || k.SecurityContext["read_only_root_filesystem"] != true {
		t.Errorf("container context security_context %v", k.SecurityContext)
	}
	if k.RunK8sConfig.PodSpecConfig["automount_service_account_token"] != false {
		t.Errorf("container context pod_spec_config %v", k.RunK8sConfig.PodSpecConfig)
	}
	if len(k.VolumeMounts) < 2 || len(k.VolumeMounts) != len(k.Volumes) {
		t.Errorf("container context volumes %v / mounts %v", k.Volumes, k.VolumeMounts)
	}
	// D-RND-23: runs get the code server's writable /tmp and Dagster storage. A context's
	// volume_mounts replace the launcher's own (dagster-k8s merges shallowly), so the
	// context must carry them itself.
	emptyDirs := map[string]bool{}
	for _, v := range k.Volumes {
		if _, ok := v["empty_dir"]; ok {
			emptyDirs[fmt.Sprint(v["name"])] = true
		}
	}
	for _, dir := range []string{"/tmp", "/opt/dagster/dagster_home"} {
		if !slices.ContainsFunc(k.VolumeMounts, func(m map[string]any) bool {
			return m["mount_path"] == dir && emptyDirs[fmt.Sprint(m["name"])]
		}) {
			t.Errorf("container context has no emptyDir mount at %s: %v", dir, k.VolumeMounts)
		}
	}
	if k.Labels["floe.dev/product"] != e.product {
		t.Errorf("container context labels %v", k.Labels)
	}
}

func firstInt(vs ...*int64) *int64 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// slug re-derives S independently of config.Slug for the test's own expectation.
func slug(p string) string { return strings.ReplaceAll(p, "-", "_") }
