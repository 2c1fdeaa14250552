{{/* A string map as YAML lines (Go templates range over maps in key order). */}}
{{- define "floe-dagster.map" -}}
{{- range $k, $v := . }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Container env entries. */}}
{{- define "floe-dagster.env" -}}
{{- range . }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end -}}

{{/* Container resources. */}}
{{- define "floe-dagster.resources" -}}
requests:
  cpu: {{ .requests.cpu | quote }}
  memory: {{ .requests.memory | quote }}
limits:
  cpu: {{ .limits.cpu | quote }}
  memory: {{ .limits.memory | quote }}
{{- end -}}

{{/* Object metadata shared by every object: namespace, labels, annotations. */}}
{{- define "floe-dagster.metadata" -}}
namespace: {{ .Release.Namespace }}
labels:
  {{- include "floe-dagster.map" .Values.labels | trim | nindent 2 }}
{{- with .Values.annotations }}
annotations:
  {{- include "floe-dagster.map" . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Selector of the code-server pods (Dagster's user-deployment convention + product). */}}
{{- define "floe-dagster.selectorLabels" -}}
app.kubernetes.io/instance: {{ .Values.product.name | quote }}
component: user-deployments
deployment: {{ .Values.product.name | quote }}
{{- end -}}

{{/* Pod Security Standards "restricted" pod security context. */}}
{{- define "floe-dagster.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod Security Standards "restricted" container security context. */}}
{{- define "floe-dagster.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 1000
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Image reference. */}}
{{- define "floe-dagster.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}
