{{/*
standin.scratch: the source of one of the chart's scratch volumes, given
(dict "existing" <repoServer.existingVolumes entry> "sizeLimit" <repoServer.emptyDir.sizeLimit>):
the existing source when one is set, else an emptyDir, sized when a limit is set.
*/}}
{{- define "standin.scratch" -}}
{{- if .existing -}}
{{ toYaml .existing }}
{{- else if .sizeLimit -}}
emptyDir:
  sizeLimit: {{ .sizeLimit }}
{{- else -}}
emptyDir: {}
{{- end -}}
{{- end -}}

{{/*
standin.params: argocd-cmd-params-cm's data, the user's configs.params (without the
chart's own create and annotations keys) over the chart's presets, every value a string.
*/}}
{{- define "standin.params" -}}
{{- $presets := dict "repo.server" (printf "%s-%s:8081" .Release.Name .Values.repoServer.name) -}}
{{- range $c := list "controller" "server" "reposerver" -}}
{{- $_ := set $presets (printf "%s.log.format" $c) $.Values.global.logging.format -}}
{{- $_ := set $presets (printf "%s.log.level" $c) $.Values.global.logging.level -}}
{{- end -}}
{{- range $k, $v := mergeOverwrite $presets (omit .Values.configs.params "create" "annotations") }}
{{ $k }}: {{ toString $v | toYaml }}
{{- end -}}
{{- end -}}
