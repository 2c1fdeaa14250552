{{/* A string map as YAML lines (Go templates range over maps in key order). */}}
{{- define "floe-jobs.map" -}}
{{- range $k, $v := . }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Container env entries. */}}
{{- define "floe-jobs.env" -}}
{{- range . }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end -}}

{{/* Container resources. */}}
{{- define "floe-jobs.resources" -}}
requests:
  cpu: {{ .requests.cpu | quote }}
  memory: {{ .requests.memory | quote }}
limits:
  cpu: {{ .limits.cpu | quote }}
  memory: {{ .limits.memory | quote }}
{{- end -}}

{{/* Name of the dbt workload and its ConfigMap prefix: <P>-dbt. */}}
{{- define "floe-jobs.dbtName" -}}
{{- printf "%s-dbt" .Values.product.name -}}
{{- end -}}

{{/* Object metadata shared by every object: namespace, labels, annotations. */}}
{{- define "floe-jobs.metadata" -}}
namespace: {{ .Release.Namespace }}
labels:
  {{- include "floe-jobs.map" .Values.labels | trim | nindent 2 }}
{{- with .Values.annotations }}
annotations:
  {{- include "floe-jobs.map" . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod template metadata: object labels + pod-only labels. */}}
{{- define "floe-jobs.podMetadata" -}}
labels:
  {{- include "floe-jobs.map" (merge (dict) .Values.podLabels .Values.labels) | trim | nindent 2 }}
{{- with .Values.annotations }}
annotations:
  {{- include "floe-jobs.map" . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod Security Standards "restricted" pod security context. */}}
{{- define "floe-jobs.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod Security Standards "restricted" container security context. */}}
{{- define "floe-jobs.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 1000
capabilities:
  drop: [ALL]
{{- end -}}

{{/* The dbt pod spec, shared by the Job and the CronJob. */}}
{{- define "floe-jobs.podSpec" -}}
restartPolicy: Never
serviceAccountName: {{ .Values.serviceAccountName }}
automountServiceAccountToken: false
securityContext:
  {{- include "floe-jobs.podSecurityContext" . | nindent 2 }}
containers:
  - name: dbt
    image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    command: [dbt]
    args:
      {{- range .Values.dbt.args }}
      - {{ . | quote }}
      {{- end }}
    {{- with .Values.env }}
    env:
      {{- include "floe-jobs.env" . | trim | nindent 6 }}
    {{- end }}
    {{- with .Values.secretRefs }}
    envFrom:
      {{- range . }}
      - secretRef:
          name: {{ . }}
      {{- end }}
    {{- end }}
    resources:
      {{- include "floe-jobs.resources" .Values.resources | nindent 6 }}
    securityContext:
      {{- include "floe-jobs.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: dbt-profiles
        mountPath: /etc/dbt
        readOnly: true
      {{- range .Values.writableDirs }}
      - name: {{ .name }}
        mountPath: {{ .mountPath }}
      {{- end }}
volumes:
  - name: dbt-profiles
    configMap:
      name: {{ include "floe-jobs.dbtName" . }}-profiles
  {{- range .Values.writableDirs }}
  - name: {{ .name }}
    emptyDir: {}
  {{- end }}
{{- end -}}
