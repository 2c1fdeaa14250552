// Package diff compares two Kubernetes manifest streams for review: objects are paired
// by identity (API group, kind, namespace, name), renamed objects are recognised by
// their content, and every difference is reported as a field path such as
// spec.template.spec.containers[name=dbt].env[name=OTEL_SERVICE_NAME].value.
//
// Secret values never reach a Result: Secret data, secret-named env values and
// ConfigMap keys, and anything that looks like key material are reported only by size.
// A Result is written as text, markdown (for pull-request comments) or JSON.
package diff
