{{/* Name of the dbt workload and its ConfigMap prefix: <P>-dbt. */}}
{{- define "floe-jobs.dbtName" -}}
{{- printf "%s-dbt" .Values.product.name -}}
{{- end -}}

{{/* Object metadata shared by every object: namespace, labels, annotations. */}}
{{- define "floe-jobs.metadata" -}}
namespace: {{ .Release.Namespace }}
labels:
  {{- toYaml .Values.labels | nindent 2 }}
{{- with .Values.annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod template metadata: object labels + pod-only labels. */}}
{{- define "floe-jobs.podMetadata" -}}
labels:
  {{- toYaml (merge (dict) .Values.podLabels .Values.labels) | nindent 2 }}
{{- with .Values.annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
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
      {{- toYaml .Values.dbt.args | nindent 6 }}
    {{- with .Values.env }}
    env:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .Values.secretRefs }}
    envFrom:
      {{- range . }}
      - secretRef:
          name: {{ . }}
      {{- end }}
    {{- end }}
    resources:
      {{- toYaml .Values.resources | nindent 6 }}
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
