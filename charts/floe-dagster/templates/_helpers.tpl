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

{{/*
Dagster container context (DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT) as JSON: the run
launcher applies it to every run launched from this code location, so runs get the
product's telemetry env, identity, resources, security contexts and writable volumes.
Keys are dagster-k8s's snake_case spelling; the security contexts repeat the
"restricted" ones above.
*/}}
{{- define "floe-dagster.containerContext" -}}
{{- $runMounts := list -}}
{{- $runVolumes := list -}}
{{- range .Values.writableDirs -}}
{{- if .run -}}
{{- $runMounts = append $runMounts (dict "name" .name "mount_path" .mountPath) -}}
{{- $runVolumes = append $runVolumes (dict "name" .name "empty_dir" (dict)) -}}
{{- end -}}
{{- end -}}
{{- $podSC := dict "run_as_non_root" true "run_as_user" 1000 "run_as_group" 1000 "fs_group" 1000 "seccomp_profile" (dict "type" "RuntimeDefault") -}}
{{- $containerSC := dict "allow_privilege_escalation" false "read_only_root_filesystem" true "run_as_non_root" true "run_as_user" 1000 "capabilities" (dict "drop" (list "ALL")) -}}
{{- $podSpec := dict "automount_service_account_token" false "security_context" $podSC -}}
{{- $k8s := dict
  "env" .Values.env
  "env_config_maps" (list (printf "%s-telemetry" .Values.product.name))
  "env_secrets" .Values.secretRefs
  "image_pull_policy" .Values.image.pullPolicy
  "labels" .Values.dagster.runLabels
  "namespace" .Release.Namespace
  "resources" .Values.resources
  "run_k8s_config" (dict "pod_spec_config" $podSpec)
  "security_context" $containerSC
  "service_account_name" .Values.serviceAccountName
  "volume_mounts" $runMounts
  "volumes" $runVolumes
-}}
{{- toJson (dict "k8s" $k8s) -}}
{{- end -}}
