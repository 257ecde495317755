{{/* Full name: the release name, or "<release>-galera-operator" when it does not contain the chart name. */}}
{{- define "galera-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "galera-operator.serviceAccountName" -}}
{{- default (include "galera-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Labels that select the operator pods (stable across upgrades). */}}
{{- define "galera-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "galera-operator.labels" -}}
{{ include "galera-operator.selectorLabels" . }}
app.kubernetes.io/part-of: galera-operator
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "galera-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (toString .Values.image.tag) -}}
{{- end -}}

{{/* The operator's Lease: the operator names it "<manager name>-leader" (src/main.ts). */}}
{{- define "galera-operator.leaseName" -}}
galera-operator-leader
{{- end -}}
