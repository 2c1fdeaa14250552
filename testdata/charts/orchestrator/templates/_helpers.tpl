{{/* Common labels, in the style of upstream charts. */}}
{{- define "orchestrator.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
app.kubernetes.io/name: dagster
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dagster
{{- end }}

{{- define "orchestrator.podSecurity" -}}
automountServiceAccountToken: false
serviceAccountName: {{ .Values.serviceAccountName }}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{- define "orchestrator.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  runAsUser: 1000
  capabilities:
    drop: [ALL]
resources:
{{ toYaml .Values.resources | indent 2 }}
{{- end }}

{{- define "orchestrator.pgEnv" -}}
- name: DAGSTER_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgresql.secretName }}
      key: {{ .Values.postgresql.secretKey }}
{{- end }}
