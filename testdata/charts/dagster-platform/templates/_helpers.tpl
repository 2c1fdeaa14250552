{{/* Names and labels, as the official chart computes them. */}}
{{- define "dagster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dagster.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "dagster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dagster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dagster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "dagster.labels" -}}
helm.sh/chart: {{ include "dagster.chart" . }}
{{ include "dagster.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dagster.webserver.fullname" -}}
{{- printf "%s-%s" (include "dagster.fullname" .) .Values.dagsterWebserver.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The user-deployments section keeps its own fullname, as the subchart does. */}}
{{- define "dagsterUserDeployments.fullname" -}}
{{- if contains "dagster-user-deployments" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-dagster-user-deployments" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "dagster.serviceAccountName" -}}
{{- .Values.global.serviceAccountName | default .Values.serviceAccount.name | default (include "dagster.fullname" .) -}}
{{- end -}}

{{- define "dagsterUserDeployments.serviceAccountName" -}}
{{- $serviceAccount := (index .Values "dagster-user-deployments").serviceAccount | default dict -}}
{{- .Values.global.serviceAccountName | default $serviceAccount.name | default (printf "%s-user-deployments" (include "dagster.fullname" .)) -}}
{{- end -}}

{{/* image: repository:tag, the tag defaulting to the chart's version. */}}
{{- define "dagster.dagsterImage.name" -}}
{{- $ := index . 0 -}}
{{- with index . 1 -}}
{{- $tag := .tag | default $.Chart.Version | toYaml | trimAll "\"" -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
dagster.workspace.configmapName: the external ConfigMap when the workspace is enabled and
names one, else the chart's own <fullname>-workspace-yaml.
*/}}
{{- define "dagster.workspace.configmapName" -}}
{{- $workspace := .Values.dagsterWebserver.workspace -}}
{{- if and $workspace.enabled $workspace.externalConfigmap -}}
{{- $workspace.externalConfigmap -}}
{{- else -}}
{{- printf "%s-workspace-yaml" (include "dagster.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "dagster.postgresql.env" -}}
- name: DAGSTER_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.global.postgresqlSecretName | quote }}
      key: postgresql-password
{{- end -}}

{{/* A list of `{name: value}` env or a map (written as env entries here). */}}
{{- define "dagster.env" -}}
{{- if kindIs "slice" . -}}
{{- with . }}{{ toYaml . }}{{ end -}}
{{- else -}}
{{- range $key, $value := . }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* envFrom entries from envConfigMaps and envSecrets. */}}
{{- define "dagster.envFrom" -}}
{{- range $ref := .envConfigMaps }}
- configMapRef: {{- $ref | toYaml | nindent 4 }}
{{- end }}
{{- range $ref := .envSecrets }}
- secretRef: {{- $ref | toYaml | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
The container context a code location hands to the runs it launches (K8sRunLauncher):
the location's env config maps and secrets, volumes, labels, resources, namespace and
service account, as the official user-deployments chart builds it.
*/}}
{{- define "dagsterUserDeployments.k8sContainerContext" -}}
{{- $ := index . 0 -}}
{{- with index . 1 }}
k8s:
  image_pull_policy: {{ .image.pullPolicy }}
  {{- with $.Values.imagePullSecrets }}
  image_pull_secrets: {{- toYaml . | nindent 4 }}
  {{- end }}
  env_config_maps:
    - {{ include "dagsterUserDeployments.fullname" $ }}-{{ .name }}-user-env
    {{- range $ref := .envConfigMaps }}
    {{- if hasKey $ref "name" }}
    - {{ $ref.name }}
    {{- end }}
    {{- end }}
  {{- if .envSecrets }}
  env_secrets:
    {{- range $ref := .envSecrets }}
    {{- if hasKey $ref "name" }}
    - {{ $ref.name }}
    {{- end }}
    {{- end }}
  {{- end }}
  {{- with .volumeMounts }}
  volume_mounts: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .volumes }}
  volumes: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .labels }}
  labels: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .resources }}
  resources: {{- toYaml . | nindent 4 }}
  {{- end }}
  namespace: {{ $.Release.Namespace }}
  service_account_name: {{ include "dagsterUserDeployments.serviceAccountName" $ }}
  {{- if and .env (kindIs "slice" .env) }}
  env: {{- toYaml .env | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}
