package render

import (
	"github.com/floe-dev/floe/charts"
)

// chartName is the embedded chart of a runtime.
func chartName(runtime string) string {
	if runtime == RuntimeDagster {
		return charts.Dagster
	}
	return charts.Jobs
}

// values is the "values" stage: the chart values for r, in the shape the chart's
// values.schema.json describes. Every value is computed here; the charts' defaults are
// fully replaced.
func (r *resolved) values() map[string]any {
	env := make([]any, len(r.env))
	for i, e := range r.env {
		env[i] = map[string]any{"name": e.Name, "value": e.Value}
	}
	refs := make([]any, len(r.secretRefs))
	for i, s := range r.secretRefs {
		refs[i] = s
	}
	v := map[string]any{
		"product": map[string]any{"name": r.productName, "version": r.version, "slug": r.slug},
		"image": map[string]any{
			"repository": r.imageRepo,
			"tag":        r.imageTag,
			"pullPolicy": "IfNotPresent",
		},
		"serviceAccountName": r.serviceAcct,
		"labels":             stringMap(r.labels),
		"podLabels":          stringMap(r.podLabels),
		"annotations":        stringMap(r.annotations),
		"schedule":           map[string]any{"cron": r.cron, "timezone": r.timezone, "enabled": r.enabled},
		"env":                env,
		"secretRefs":         refs,
		"resources":          r.resources.values(),
	}
	dirs := make([]any, len(r.writable))
	for i, w := range r.writable {
		dirs[i] = map[string]any{"name": w.Name, "mountPath": w.MountPath}
	}
	v["writableDirs"] = dirs
	v["networkPolicy"] = map[string]any{"enabled": false}
	if np := r.netpol; np != nil {
		types := make([]any, len(np.PolicyTypes))
		for i, t := range np.PolicyTypes {
			types[i] = t
		}
		v["networkPolicy"] = map[string]any{"enabled": true, "policyTypes": types, "ingress": np.Ingress, "egress": np.Egress}
	}
	if r.runtime == RuntimeDagster {
		v["dagster"] = map[string]any{"home": dagsterHome, "port": dagsterPort}
	} else {
		v["job"] = map[string]any{"nameSuffix": r.jobSuffix, "backoffLimit": 3}
		v["dbt"] = map[string]any{
			"args":     []any{"build", "--profiles-dir", profilesDir, "--project-dir", appDir + "/" + r.slug, "--target", r.environment},
			"profiles": r.profiles,
		}
	}
	return v
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
