// Package config holds floe's three input kinds — the PlatformEnvironmentContract, the
// platform Manifest and the product's floe.yaml (FloeSpec) — with strict, located loaders.
// It is pure: no Helm, no OPA, no Kubernetes client; only YAML and the root filesystem.
package config

// Struct tags: `yaml:"name"` is the canonical key; `alias:"other"` names an accepted
// alternative spelling (Floe accepts both alias and Python name, e.g. dependsOn/depends_on).
// Pointers mark optional objects whose absence matters (nil = key absent).

// Contract is a PlatformEnvironmentContract (floe.dev/v1alpha1), D-IN-01.
type Contract struct {
	APIVersion    string                `yaml:"apiVersion" schema:"required,const=contractAPIVersion"`
	Kind          string                `yaml:"kind" schema:"required,const=contractKind"`
	Metadata      ContractMetadata      `yaml:"metadata" schema:"required"`
	Environment   Environment           `yaml:"environment" schema:"required"`
	Plugins       ContractPlugins       `yaml:"plugins" schema:"required"`
	Runtime       ContractRuntime       `yaml:"runtime" schema:"required"`
	Access        Access                `yaml:"access" schema:"required"`
	Observability ContractObservability `yaml:"observability"`
	Promotion     Promotion             `yaml:"promotion" schema:"required"`
	Support       Support               `yaml:"support" schema:"required"`
	Policy        *ContractPolicy       `yaml:"policy"`                              // D-GATE-02..04: enforcement, exceptions, bundles
	Overlays      []string              `yaml:"overlays" schema:"items.use=relPath"` // D-OVL-01: root-relative kustomize dirs

	Source *Source `yaml:"-"`
}

// ContractMetadata names the contract and its owner.
type ContractMetadata struct {
	Name        string `yaml:"name" schema:"required,pattern=dnsLabel,maxLength=63"`
	Owner       string `yaml:"owner" schema:"required"`
	Description string `yaml:"description" schema:"maxLength=500"`
}

// Environment is where products of this contract run.
type Environment struct {
	Name             string           `yaml:"name" schema:"required,pattern=envName"`
	Kubernetes       KubernetesTarget `yaml:"kubernetes" schema:"required"`
	PlatformManifest ManifestRef      `yaml:"platformManifest" schema:"required"`
}

// KubernetesTarget is the namespace and the platform's Helm release.
type KubernetesTarget struct {
	Namespace   string `yaml:"namespace" schema:"required,pattern=dnsLabel,maxLength=63"`
	ReleaseName string `yaml:"releaseName" schema:"required,pattern=dnsLabel,maxLength=53"`
}

// ManifestRef locates the platform Manifest (git path, root-relative, or OCI ref).
type ManifestRef struct {
	Source string `yaml:"source" schema:"required,enum=manifestSources"` // git | oci
	Path   string `yaml:"path" schema:"use=relPath"`
	OCIRef string `yaml:"ociRef" schema:"pattern=ociRef"`
}

// Choice is a plugin category's default and supported set.
type Choice struct {
	Default        string   `yaml:"default" schema:"required"`
	AlphaSupported []string `yaml:"alphaSupported" schema:"required,minItems=1,uniqueItems,items.nonempty"`
}

// ContractPlugins lists the plugins the environment supports.
type ContractPlugins struct {
	Orchestrator     *Choice        `yaml:"orchestrator" schema:"required"`
	Catalog          *Choice        `yaml:"catalog" schema:"required"`
	Storage          *Choice        `yaml:"storage" schema:"required"`
	TelemetryBackend *Choice        `yaml:"telemetryBackend" schema:"required"`
	LineageBackend   *Choice        `yaml:"lineageBackend" schema:"required"`
	Compute          *ComputeChoice `yaml:"compute" schema:"required"`
}

// ComputeChoice is the approved compute set.
type ComputeChoice struct {
	Default  string            `yaml:"default" schema:"required"`
	Approved []ApprovedCompute `yaml:"approved" schema:"required,minItems=1"`
}

// ApprovedCompute is one approved compute target.
type ApprovedCompute struct {
	Name string `yaml:"name" schema:"required"`
	Use  string `yaml:"use"`
}

// ContractRuntime sets the render path, registry and tag policy.
type ContractRuntime struct {
	RecommendedAlphaSpine string `yaml:"recommendedAlphaSpine" schema:"required,enum=runtimes"` // dagster | floe-jobs
	ArtifactRegistry      string `yaml:"artifactRegistry" schema:"required,pattern=artifactRepo"`
	ImageTagPolicy        string `yaml:"imageTagPolicy" schema:"required,enum=tagPolicies"` // git-sha | semver | digest
	ResourcePreset        string `yaml:"resourcePreset" schema:"nonempty"`                  // optional override (D-RND-11)
}

// Access is the identity product pods run as.
type Access struct {
	ServiceAccount string         `yaml:"serviceAccount" schema:"required,pattern=dnsSubdomain,maxLength=253"`
	Secrets        *SecretsAccess `yaml:"secrets"`
}

// SecretsAccess is informational.
type SecretsAccess struct {
	Convention string `yaml:"convention"`
}

// ContractObservability holds human access URLs (never rendered into pods).
type ContractObservability struct {
	DagsterURL      string `yaml:"dagsterUrl" schema:"use=url"`
	MarquezURL      string `yaml:"marquezUrl" schema:"use=url"`
	JaegerURL       string `yaml:"jaegerUrl" schema:"use=url"`
	MinioConsoleURL string `yaml:"minioConsoleUrl" schema:"use=url"`
}

// Promotion lists the evidence required before promotion.
type Promotion struct {
	RequiredEvidence []string `yaml:"requiredEvidence" schema:"required,items.nonempty"`
}

// Support is informational.
type Support struct {
	Escalation string `yaml:"escalation" schema:"required"`
}

// ContractPolicy is the contract-owned policy section (D-GATE-02..04).
type ContractPolicy struct {
	Enforcement string            `yaml:"enforcement" schema:"enum=enforcements"` // off | warn | strict; raises, never lowers
	Exceptions  []PolicyException `yaml:"exceptions"`
	Bundles     []string          `yaml:"bundles" schema:"items.use=relPath"` // root-relative rego directories
	// Silence lists warning IDs (X-03, SCHED-DAGSTER-UNWIRED, …) not printed for this
	// contract's products (D-CLI-05); policy findings are governed by Exceptions.
	Silence []string `yaml:"silence" schema:"items.pattern=warningID,items.use=notPolicyRule"`
}

// PolicyException lets named resources pass one rule until it expires.
type PolicyException struct {
	Rule       string   `yaml:"rule" schema:"required"`
	Resources  []string `yaml:"resources" schema:"required,minItems=1,items.pattern=kindName"` // Kind/name globs
	Reason     string   `yaml:"reason" schema:"required"`
	ApprovedBy string   `yaml:"approvedBy" schema:"required"`
	Expires    string   `yaml:"expires" schema:"required,pattern=date"` // YYYY-MM-DD, inclusive
}

// Manifest is a platform Manifest (floe.dev/v1), D-IN-09.
type Manifest struct {
	APIVersion       string                    `yaml:"apiVersion" alias:"api_version" schema:"required,const=floeAPIVersion"`
	Kind             string                    `yaml:"kind" schema:"required,const=manifestKind"`
	Metadata         ManifestMetadata          `yaml:"metadata" schema:"required"`
	Scope            string                    `yaml:"scope"` // "" | enterprise | domain
	ParentManifest   string                    `yaml:"parent_manifest" schema:"nonempty"`
	Plugins          ManifestPlugins           `yaml:"plugins" schema:"required"`
	Governance       *Governance               `yaml:"governance"`
	ApprovedPlugins  map[string][]string       `yaml:"approved_plugins" schema:"values.items.nonempty"`
	ApprovedSinks    []string                  `yaml:"approved_sinks" schema:"items.nonempty"`
	ApprovedProducts []string                  `yaml:"approved_products" schema:"items.nonempty"`
	Defaults         map[string]string         `yaml:"defaults" schema:"values.nonempty"`
	Artifacts        *Artifacts                `yaml:"artifacts"`
	Observability    *Observability            `yaml:"observability"`
	ResourcePresets  map[string]ResourcePreset `yaml:"resource_presets"`

	Source *Source `yaml:"-"`
	// Chain is the resolved inheritance chain, root (enterprise) first, this manifest last.
	Chain []*Manifest `yaml:"-"`
}

// ManifestMetadata names the manifest.
type ManifestMetadata struct {
	Name        string `yaml:"name" schema:"required,pattern=manifestName,maxLength=63,use=notReservedName"`
	Version     string `yaml:"version" schema:"required,pattern=semver"`
	Owner       string `yaml:"owner" schema:"required"`
	Description string `yaml:"description" schema:"maxLength=500"`
}

// ManifestPlugins is PluginsConfig: one selection per category.
type ManifestPlugins struct {
	Compute          *PluginSelection `yaml:"compute"`
	Orchestrator     *PluginSelection `yaml:"orchestrator"`
	Catalog          *PluginSelection `yaml:"catalog"`
	Storage          *PluginSelection `yaml:"storage"`
	SemanticLayer    *PluginSelection `yaml:"semantic_layer"`
	Ingestion        *PluginSelection `yaml:"ingestion"`
	Secrets          *PluginSelection `yaml:"secrets"`
	TelemetryBackend *PluginSelection `yaml:"telemetry_backend"`
	LineageBackend   *PluginSelection `yaml:"lineage_backend"`
	Identity         *PluginSelection `yaml:"identity"`
	DBT              *PluginSelection `yaml:"dbt"`
	Quality          *QualityConfig   `yaml:"quality"`
}

// PluginSelection chooses one plugin for a category.
type PluginSelection struct {
	Type                string         `yaml:"type" schema:"required,pattern=nonBlank"`
	Version             string         `yaml:"version" schema:"pattern=semver"`
	Config              map[string]any `yaml:"config"`
	ConnectionSecretRef string         `yaml:"connection_secret_ref" schema:"pattern=secretRef,maxLength=253"`
}

// QualityConfig is the quality plugin block (D-IN-09). Nested shapes are kept loose
// where floe does not render from them, strict where it does.
type QualityConfig struct {
	Provider            string             `yaml:"provider" schema:"required"`
	QualityGates        map[string]any     `yaml:"quality_gates" schema:"shape=qualityGates"`
	DimensionWeights    map[string]float64 `yaml:"dimension_weights" schema:"values.minimum=0"`
	Calculation         map[string]any     `yaml:"calculation"`
	Thresholds          map[string]any     `yaml:"thresholds" schema:"shape=thresholds"`
	CheckTimeoutSeconds *int               `yaml:"check_timeout_seconds" schema:"minimum=1,maximum=3600"`
	Enabled             *bool              `yaml:"enabled"`
}

// Governance is GovernanceConfig (D-IN-09).
type Governance struct {
	PIIEncryption          string           `yaml:"pii_encryption" schema:"enum=piiEncryption"`
	AuditLogging           string           `yaml:"audit_logging" schema:"enum=auditLogging"`
	PolicyEnforcementLevel string           `yaml:"policy_enforcement_level" schema:"enum=enforcements"` // off | warn | strict
	DataRetentionDays      *int             `yaml:"data_retention_days" schema:"minimum=1"`
	DefaultTTLHours        *int             `yaml:"default_ttl_hours" schema:"minimum=1,maximum=8760"`
	SnapshotKeepLast       *int             `yaml:"snapshot_keep_last" schema:"minimum=1,maximum=100"`
	StaleTableRecoveryMode string           `yaml:"stale_table_recovery_mode" schema:"enum=recoveryModes"`
	Naming                 *Naming          `yaml:"naming"`
	QualityGates           *QualityGates    `yaml:"quality_gates"`
	CustomRules            []CustomRule     `yaml:"custom_rules"`
	PolicyOverrides        []PolicyOverride `yaml:"policy_overrides"`
	DataContracts          map[string]any   `yaml:"data_contracts" schema:"shape=dataContracts"`
	RBAC                   *RBAC            `yaml:"rbac"`
	SecretScanning         map[string]any   `yaml:"secret_scanning" schema:"shape=secretScanning"`
	NetworkPolicies        map[string]any   `yaml:"network_policies" schema:"shape=networkPolicies"`
	Policies               []GovPolicy      `yaml:"policies"`
}

// Naming is the naming-convention rule set.
type Naming struct {
	Enforcement    string   `yaml:"enforcement" schema:"enum=enforcements"`
	Pattern        string   `yaml:"pattern" schema:"enum=namingPatterns"`
	CustomPatterns []string `yaml:"custom_patterns" schema:"items.nonempty"`
}

// QualityGates is governance.quality_gates.
type QualityGates struct {
	MinimumTestCoverage        *float64         `yaml:"minimum_test_coverage" schema:"minimum=0,maximum=100"`
	RequireDescriptions        *bool            `yaml:"require_descriptions"`
	RequireColumnDescriptions  *bool            `yaml:"require_column_descriptions"`
	BlockOnFailure             *bool            `yaml:"block_on_failure"`
	LayerThresholds            *LayerThresholds `yaml:"layer_thresholds"`
	ZeroColumnCoverageBehavior string           `yaml:"zero_column_coverage_behavior" schema:"enum=zeroCoverage"`
}

// LayerThresholds are per-layer coverage thresholds.
type LayerThresholds struct {
	Bronze *float64 `yaml:"bronze" schema:"minimum=0,maximum=100"`
	Silver *float64 `yaml:"silver" schema:"minimum=0,maximum=100"`
	Gold   *float64 `yaml:"gold" schema:"minimum=0,maximum=100"`
}

// CustomRule is one governance.custom_rules entry (discriminated by type).
type CustomRule struct {
	Type         string   `yaml:"type" schema:"required,enum=customRuleTypes"`
	Prefix       string   `yaml:"prefix" schema:"nonempty"`
	RequiredTags []string `yaml:"required_tags"`
	Field        string   `yaml:"field" schema:"nonempty"`
	Required     *bool    `yaml:"required"`
	TestTypes    []string `yaml:"test_types"`
	MinColumns   *int     `yaml:"min_columns" schema:"minimum=1"`
	AppliesTo    string   `yaml:"applies_to"`
}

// PolicyOverride is governance.policy_overrides (not applied at compile, kept for parity).
type PolicyOverride struct {
	Pattern     string   `yaml:"pattern" schema:"required"`
	Action      string   `yaml:"action" schema:"required,enum=overrideActions"`
	Reason      string   `yaml:"reason" schema:"required"`
	Expires     string   `yaml:"expires" schema:"pattern=date"`
	PolicyTypes []string `yaml:"policy_types" schema:"items.enum=policyTypes"`
}

// RBAC is governance.rbac.
type RBAC struct {
	Enabled                *bool  `yaml:"enabled"`
	RequiredRole           string `yaml:"required_role"`
	AllowPrincipalFallback *bool  `yaml:"allow_principal_fallback"`
}

// GovPolicy is one governance.policies entry.
type GovPolicy struct {
	Name    string         `yaml:"name" schema:"required"`
	Type    string         `yaml:"type" schema:"required,enum=govPolicyTypes"`
	Action  string         `yaml:"action" schema:"required,enum=govPolicyActions"`
	Message string         `yaml:"message"`
	Config  map[string]any `yaml:"config" schema:"shape=policyConfig"`
}

// Artifacts is the registry and promotion configuration; floe keeps it loose.
type Artifacts struct {
	Registry  map[string]any `yaml:"registry" schema:"required,shape=registry"`
	Promotion map[string]any `yaml:"promotion" schema:"use=artifactPromotion"`
}

// Observability is the Manifest's observability block (D-IN-09, D-IN-16).
type Observability struct {
	Tracing *Tracing `yaml:"tracing"`
	Lineage *Lineage `yaml:"lineage"`
	Logging *Logging `yaml:"logging"`
}

// Tracing configures OpenTelemetry export.
type Tracing struct {
	Enabled  *bool  `yaml:"enabled"`
	Exporter string `yaml:"exporter" schema:"enum=tracingExporters"` // otlp | console | none
	Endpoint string `yaml:"endpoint" schema:"use=endpoint"`
}

// Lineage configures OpenLineage.
type Lineage struct {
	Enabled   *bool  `yaml:"enabled"`
	Transport string `yaml:"transport" schema:"enum=lineageTransports"` // http | console | noop
	Endpoint  string `yaml:"endpoint" schema:"use=endpoint"`
}

// Logging configures product log output.
type Logging struct {
	Level  string `yaml:"level" schema:"enum=logLevels"`   // DEBUG | INFO | WARNING | ERROR
	Format string `yaml:"format" schema:"enum=logFormats"` // json | text
}

// ResourcePreset is a preset in either the nested or the flat demo shape.
type ResourcePreset struct {
	Requests      *CPUMemory `yaml:"requests"`
	Limits        *CPUMemory `yaml:"limits"`
	CPURequest    string     `yaml:"cpu_request" schema:"pattern=cpu"`
	CPULimit      string     `yaml:"cpu_limit" schema:"pattern=cpu"`
	MemoryRequest string     `yaml:"memory_request" schema:"pattern=memory"`
	MemoryLimit   string     `yaml:"memory_limit" schema:"pattern=memory"`
}

// CPUMemory is a cpu/memory pair.
type CPUMemory struct {
	CPU    string `yaml:"cpu" schema:"required,pattern=cpu"`
	Memory string `yaml:"memory" schema:"required,pattern=memory"`
}

// FloeSpec is a data product's floe.yaml (floe.dev/v1), D-IN-15.
type FloeSpec struct {
	APIVersion   string        `yaml:"apiVersion" alias:"api_version" schema:"required,const=floeAPIVersion"`
	Kind         string        `yaml:"kind" schema:"required,const=productKind"`
	Metadata     ProductMeta   `yaml:"metadata" schema:"required"`
	Platform     *PlatformRef  `yaml:"platform"`
	Transforms   []Transform   `yaml:"transforms" schema:"required,minItems=1"`
	Schedule     *Schedule     `yaml:"schedule"`
	OutputPorts  []OutputPort  `yaml:"outputPorts" alias:"output_ports"`
	Destinations []Destination `yaml:"destinations"`

	Source *Source `yaml:"-"`
}

// ProductMeta is floe.yaml metadata.
type ProductMeta struct {
	Name        string            `yaml:"name" schema:"required,use=productName"`
	Version     string            `yaml:"version" schema:"required,pattern=semver"`
	Description string            `yaml:"description" schema:"maxLength=500"`
	Owner       *string           `yaml:"owner" schema:"nonempty"`
	Labels      map[string]string `yaml:"labels" schema:"use=noForbiddenKeys"`
}

// PlatformRef is floe.yaml platform (the manifest the product expects).
type PlatformRef struct {
	Manifest string `yaml:"manifest" schema:"required"`
}

// Transform is one dbt model.
type Transform struct {
	Name          string         `yaml:"name" schema:"required,pattern=dbtName,maxLength=128"`
	Compute       string         `yaml:"compute" schema:"nonempty"`
	Tags          []string       `yaml:"tags" schema:"items.nonempty"`
	DependsOn     []string       `yaml:"dependsOn" alias:"depends_on" schema:"items.nonempty"`
	Tier          string         `yaml:"tier" schema:"enum=tiers"` // bronze | silver | gold
	QualityChecks []QualityCheck `yaml:"qualityChecks" alias:"quality_checks"`
}

// QualityCheck is one transform quality check.
type QualityCheck struct {
	Name         string         `yaml:"name" schema:"required"`
	Type         string         `yaml:"type" schema:"required"`
	Column       string         `yaml:"column"`
	Dimension    string         `yaml:"dimension" schema:"required,enum=dimensions"`
	Severity     string         `yaml:"severity" schema:"enum=checkSeverity"`
	CustomWeight *float64       `yaml:"custom_weight" schema:"minimum=0.1,maximum=10"`
	Parameters   map[string]any `yaml:"parameters"`
	Enabled      *bool          `yaml:"enabled"`
}

// Schedule is when the product runs.
type Schedule struct {
	Cron     string `yaml:"cron" schema:"use=cron"`
	Timezone string `yaml:"timezone" schema:"nonempty"` // default UTC
	Enabled  *bool  `yaml:"enabled"`                    // default true
}

// OutputPort is an output port (D-IN-08: its schema key is exempt from the forbidden-key rule).
type OutputPort struct {
	Name        string         `yaml:"name" schema:"required,pattern=dbtName,maxLength=128"`
	Description string         `yaml:"description" schema:"maxLength=500"`
	Owner       string         `yaml:"owner" schema:"nonempty"`
	Schema      []OutputColumn `yaml:"schema" schema:"required,minItems=1"`
}

// OutputColumn is one column of an output port.
type OutputColumn struct {
	Name           string `yaml:"name" schema:"required,pattern=dbtName,maxLength=128"`
	Type           string `yaml:"type" schema:"required"`
	Description    string `yaml:"description" schema:"maxLength=500"`
	Required       bool   `yaml:"required"`
	PrimaryKey     bool   `yaml:"primaryKey" alias:"primary_key"`
	Classification string `yaml:"classification"`
}

// Destination is a reverse-ETL destination (validated, not rendered).
type Destination struct {
	Name                string            `yaml:"name" schema:"required,maxLength=100"`
	SinkType            string            `yaml:"sink_type" schema:"required"`
	ConnectionSecretRef string            `yaml:"connection_secret_ref" schema:"required,pattern=secretRef,maxLength=253"`
	SourceTable         string            `yaml:"source_table" schema:"nonempty"`
	Config              map[string]any    `yaml:"config" schema:"maxProperties=50,use=noForbiddenKeys"`
	FieldMapping        map[string]string `yaml:"field_mapping" schema:"use=noForbiddenKeys"`
	BatchSize           *int              `yaml:"batch_size" schema:"minimum=1,maximum=100000"`
}

// ScheduleEnabled reports the effective schedule.enabled (default true).
func (s *Schedule) ScheduleEnabled() bool { return s == nil || s.Enabled == nil || *s.Enabled }

// TZ reports the effective timezone (default UTC).
func (s *Schedule) TZ() string {
	if s == nil || s.Timezone == "" {
		return "UTC"
	}
	return s.Timezone
}

// NetworkPolicySettings is governance.network_policies (D-RND-18), read from the
// validated block.
type NetworkPolicySettings struct {
	Enabled     bool
	DefaultDeny bool // default true
	Egress      []EgressRule
}

// EgressRule is one of network_policies.custom_egress_rules: to a namespace or to a CIDR.
type EgressRule struct {
	ToNamespace string
	ToCIDR      string
	Ports       []NetworkPort
}

// NetworkPort is a port and its protocol (TCP when unset).
type NetworkPort struct {
	Port     int
	Protocol string
}

// NetworkPolicy reads governance.network_policies; the zero value (disabled) when g or
// the block is nil.
func (g *Governance) NetworkPolicy() NetworkPolicySettings {
	s := NetworkPolicySettings{DefaultDeny: true}
	if g == nil || g.NetworkPolicies == nil {
		return s
	}
	np := g.NetworkPolicies
	s.Enabled, _ = np["enabled"].(bool)
	if d, ok := np["default_deny"].(bool); ok {
		s.DefaultDeny = d
	}
	rules, _ := np["custom_egress_rules"].([]any)
	for _, r := range rules {
		m, _ := r.(map[string]any)
		rule := EgressRule{}
		rule.ToNamespace, _ = m["to_namespace"].(string)
		rule.ToCIDR, _ = m["to_cidr"].(string)
		ports, _ := m["ports"].([]any)
		for _, p := range ports {
			pm, _ := p.(map[string]any)
			port := NetworkPort{Protocol: "TCP"}
			port.Port, _ = pm["port"].(int)
			if proto, ok := pm["protocol"].(string); ok && proto != "" {
				port.Protocol = proto
			}
			rule.Ports = append(rule.Ports, port)
		}
		s.Egress = append(s.Egress, rule)
	}
	return s
}
