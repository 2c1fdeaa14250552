// Package config holds floe's three input kinds — the PlatformEnvironmentContract, the
// platform Manifest and the product's floe.yaml (FloeSpec) — with strict, located loaders.
// It is pure: no Helm, no OPA, no Kubernetes client; only YAML and the root filesystem.
package config

// Struct tags: `yaml:"name"` is the canonical key; `alias:"other"` names an accepted
// alternative spelling (Floe accepts both alias and Python name, e.g. dependsOn/depends_on).
// Pointers mark optional objects whose absence matters (nil = key absent).

// Contract is a PlatformEnvironmentContract (floe.dev/v1alpha1), D-IN-01.
type Contract struct {
	APIVersion    string                `yaml:"apiVersion"`
	Kind          string                `yaml:"kind"`
	Metadata      ContractMetadata      `yaml:"metadata"`
	Environment   Environment           `yaml:"environment"`
	Plugins       ContractPlugins       `yaml:"plugins"`
	Runtime       ContractRuntime       `yaml:"runtime"`
	Access        Access                `yaml:"access"`
	Observability ContractObservability `yaml:"observability"`
	Promotion     Promotion             `yaml:"promotion"`
	Support       Support               `yaml:"support"`
	Policy        *ContractPolicy       `yaml:"policy"`   // D-GATE-02..04: enforcement, exceptions, bundles
	Overlays      []string              `yaml:"overlays"` // D-OVL-01: root-relative kustomize dirs

	Source *Source `yaml:"-"`
}

// ContractMetadata names the contract and its owner.
type ContractMetadata struct {
	Name        string `yaml:"name"`
	Owner       string `yaml:"owner"`
	Description string `yaml:"description"`
}

// Environment is where products of this contract run.
type Environment struct {
	Name             string           `yaml:"name"`
	Kubernetes       KubernetesTarget `yaml:"kubernetes"`
	PlatformManifest ManifestRef      `yaml:"platformManifest"`
}

// KubernetesTarget is the namespace and the platform's Helm release.
type KubernetesTarget struct {
	Namespace   string `yaml:"namespace"`
	ReleaseName string `yaml:"releaseName"`
}

// ManifestRef locates the platform Manifest (git path, root-relative, or OCI ref).
type ManifestRef struct {
	Source string `yaml:"source"` // git | oci
	Path   string `yaml:"path"`
	OCIRef string `yaml:"ociRef"`
}

// Choice is a plugin category's default and supported set.
type Choice struct {
	Default        string   `yaml:"default"`
	AlphaSupported []string `yaml:"alphaSupported"`
}

// ContractPlugins lists the plugins the environment supports.
type ContractPlugins struct {
	Orchestrator     *Choice        `yaml:"orchestrator"`
	Catalog          *Choice        `yaml:"catalog"`
	Storage          *Choice        `yaml:"storage"`
	TelemetryBackend *Choice        `yaml:"telemetryBackend"`
	LineageBackend   *Choice        `yaml:"lineageBackend"`
	Compute          *ComputeChoice `yaml:"compute"`
}

// ComputeChoice is the approved compute set.
type ComputeChoice struct {
	Default  string            `yaml:"default"`
	Approved []ApprovedCompute `yaml:"approved"`
}

// ApprovedCompute is one approved compute target.
type ApprovedCompute struct {
	Name string `yaml:"name"`
	Use  string `yaml:"use"`
}

// ContractRuntime sets the render path, registry and tag policy.
type ContractRuntime struct {
	RecommendedAlphaSpine string `yaml:"recommendedAlphaSpine"` // dagster | floe-jobs
	ArtifactRegistry      string `yaml:"artifactRegistry"`
	ImageTagPolicy        string `yaml:"imageTagPolicy"` // git-sha | semver | digest
	ResourcePreset        string `yaml:"resourcePreset"` // optional override (D-RND-11)
}

// Access is the identity product pods run as.
type Access struct {
	ServiceAccount string         `yaml:"serviceAccount"`
	Secrets        *SecretsAccess `yaml:"secrets"`
}

// SecretsAccess is informational.
type SecretsAccess struct {
	Convention string `yaml:"convention"`
}

// ContractObservability holds human access URLs (never rendered into pods).
type ContractObservability struct {
	DagsterURL      string `yaml:"dagsterUrl"`
	MarquezURL      string `yaml:"marquezUrl"`
	JaegerURL       string `yaml:"jaegerUrl"`
	MinioConsoleURL string `yaml:"minioConsoleUrl"`
}

// Promotion lists the evidence required before promotion.
type Promotion struct {
	RequiredEvidence []string `yaml:"requiredEvidence"`
}

// Support is informational.
type Support struct {
	Escalation string `yaml:"escalation"`
}

// ContractPolicy is the contract-owned policy section (D-GATE-02..04).
type ContractPolicy struct {
	Enforcement string            `yaml:"enforcement"` // off | warn | strict; raises, never lowers
	Exceptions  []PolicyException `yaml:"exceptions"`
	Bundles     []string          `yaml:"bundles"` // root-relative rego directories
	// Silence lists warning IDs (X-03, SCHED-DAGSTER-UNWIRED, …) not printed for this
	// contract's products (D-CLI-05); policy findings are governed by Exceptions.
	Silence []string `yaml:"silence"`
}

// PolicyException lets named resources pass one rule until it expires.
type PolicyException struct {
	Rule       string   `yaml:"rule"`
	Resources  []string `yaml:"resources"` // Kind/name globs
	Reason     string   `yaml:"reason"`
	ApprovedBy string   `yaml:"approvedBy"`
	Expires    string   `yaml:"expires"` // YYYY-MM-DD, inclusive
}

// Manifest is a platform Manifest (floe.dev/v1), D-IN-09.
type Manifest struct {
	APIVersion       string                    `yaml:"apiVersion" alias:"api_version"`
	Kind             string                    `yaml:"kind"`
	Metadata         ManifestMetadata          `yaml:"metadata"`
	Scope            string                    `yaml:"scope"` // "" | enterprise | domain
	ParentManifest   string                    `yaml:"parent_manifest"`
	Plugins          ManifestPlugins           `yaml:"plugins"`
	Governance       *Governance               `yaml:"governance"`
	ApprovedPlugins  map[string][]string       `yaml:"approved_plugins"`
	ApprovedSinks    []string                  `yaml:"approved_sinks"`
	ApprovedProducts []string                  `yaml:"approved_products"`
	Defaults         map[string]string         `yaml:"defaults"`
	Artifacts        *Artifacts                `yaml:"artifacts"`
	Observability    *Observability            `yaml:"observability"`
	ResourcePresets  map[string]ResourcePreset `yaml:"resource_presets"`

	Source *Source `yaml:"-"`
	// Chain is the resolved inheritance chain, root (enterprise) first, this manifest last.
	Chain []*Manifest `yaml:"-"`
}

// ManifestMetadata names the manifest.
type ManifestMetadata struct {
	Name        string `yaml:"name"`
	Version     string `yaml:"version"`
	Owner       string `yaml:"owner"`
	Description string `yaml:"description"`
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
	Type                string         `yaml:"type"`
	Version             string         `yaml:"version"`
	Config              map[string]any `yaml:"config"`
	ConnectionSecretRef string         `yaml:"connection_secret_ref"`
}

// QualityConfig is the quality plugin block (D-IN-09). Nested shapes are kept loose
// where floe does not render from them, strict where it does.
type QualityConfig struct {
	Provider            string             `yaml:"provider"`
	QualityGates        map[string]any     `yaml:"quality_gates"`
	DimensionWeights    map[string]float64 `yaml:"dimension_weights"`
	Calculation         map[string]any     `yaml:"calculation"`
	Thresholds          map[string]any     `yaml:"thresholds"`
	CheckTimeoutSeconds *int               `yaml:"check_timeout_seconds"`
	Enabled             *bool              `yaml:"enabled"`
}

// Governance is GovernanceConfig (D-IN-09).
type Governance struct {
	PIIEncryption          string           `yaml:"pii_encryption"`
	AuditLogging           string           `yaml:"audit_logging"`
	PolicyEnforcementLevel string           `yaml:"policy_enforcement_level"` // off | warn | strict
	DataRetentionDays      *int             `yaml:"data_retention_days"`
	DefaultTTLHours        *int             `yaml:"default_ttl_hours"`
	SnapshotKeepLast       *int             `yaml:"snapshot_keep_last"`
	StaleTableRecoveryMode string           `yaml:"stale_table_recovery_mode"`
	Naming                 *Naming          `yaml:"naming"`
	QualityGates           *QualityGates    `yaml:"quality_gates"`
	CustomRules            []CustomRule     `yaml:"custom_rules"`
	PolicyOverrides        []PolicyOverride `yaml:"policy_overrides"`
	DataContracts          map[string]any   `yaml:"data_contracts"`
	RBAC                   *RBAC            `yaml:"rbac"`
	SecretScanning         map[string]any   `yaml:"secret_scanning"`
	NetworkPolicies        map[string]any   `yaml:"network_policies"`
	Policies               []GovPolicy      `yaml:"policies"`
}

// Naming is the naming-convention rule set.
type Naming struct {
	Enforcement    string   `yaml:"enforcement"`
	Pattern        string   `yaml:"pattern"`
	CustomPatterns []string `yaml:"custom_patterns"`
}

// QualityGates is governance.quality_gates.
type QualityGates struct {
	MinimumTestCoverage        *float64         `yaml:"minimum_test_coverage"`
	RequireDescriptions        *bool            `yaml:"require_descriptions"`
	RequireColumnDescriptions  *bool            `yaml:"require_column_descriptions"`
	BlockOnFailure             *bool            `yaml:"block_on_failure"`
	LayerThresholds            *LayerThresholds `yaml:"layer_thresholds"`
	ZeroColumnCoverageBehavior string           `yaml:"zero_column_coverage_behavior"`
}

// LayerThresholds are per-layer coverage thresholds.
type LayerThresholds struct {
	Bronze *float64 `yaml:"bronze"`
	Silver *float64 `yaml:"silver"`
	Gold   *float64 `yaml:"gold"`
}

// CustomRule is one governance.custom_rules entry (discriminated by type).
type CustomRule struct {
	Type         string   `yaml:"type"`
	Prefix       string   `yaml:"prefix"`
	RequiredTags []string `yaml:"required_tags"`
	Field        string   `yaml:"field"`
	Required     *bool    `yaml:"required"`
	TestTypes    []string `yaml:"test_types"`
	MinColumns   *int     `yaml:"min_columns"`
	AppliesTo    string   `yaml:"applies_to"`
}

// PolicyOverride is governance.policy_overrides (not applied at compile, kept for parity).
type PolicyOverride struct {
	Pattern     string   `yaml:"pattern"`
	Action      string   `yaml:"action"`
	Reason      string   `yaml:"reason"`
	Expires     string   `yaml:"expires"`
	PolicyTypes []string `yaml:"policy_types"`
}

// RBAC is governance.rbac.
type RBAC struct {
	Enabled                *bool  `yaml:"enabled"`
	RequiredRole           string `yaml:"required_role"`
	AllowPrincipalFallback *bool  `yaml:"allow_principal_fallback"`
}

// GovPolicy is one governance.policies entry.
type GovPolicy struct {
	Name    string         `yaml:"name"`
	Type    string         `yaml:"type"`
	Action  string         `yaml:"action"`
	Message string         `yaml:"message"`
	Config  map[string]any `yaml:"config"`
}

// Artifacts is the registry and promotion configuration; floe keeps it loose.
type Artifacts struct {
	Registry  map[string]any `yaml:"registry"`
	Promotion map[string]any `yaml:"promotion"`
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
	Exporter string `yaml:"exporter"` // otlp | console | none
	Endpoint string `yaml:"endpoint"`
}

// Lineage configures OpenLineage.
type Lineage struct {
	Enabled   *bool  `yaml:"enabled"`
	Transport string `yaml:"transport"` // http | console | noop
	Endpoint  string `yaml:"endpoint"`
}

// Logging configures product log output.
type Logging struct {
	Level  string `yaml:"level"`  // DEBUG | INFO | WARNING | ERROR
	Format string `yaml:"format"` // json | text
}

// ResourcePreset is a preset in either the nested or the flat demo shape.
type ResourcePreset struct {
	Requests      *CPUMemory `yaml:"requests"`
	Limits        *CPUMemory `yaml:"limits"`
	CPURequest    string     `yaml:"cpu_request"`
	CPULimit      string     `yaml:"cpu_limit"`
	MemoryRequest string     `yaml:"memory_request"`
	MemoryLimit   string     `yaml:"memory_limit"`
}

// CPUMemory is a cpu/memory pair.
type CPUMemory struct {
	CPU    string `yaml:"cpu"`
	Memory string `yaml:"memory"`
}

// FloeSpec is a data product's floe.yaml (floe.dev/v1), D-IN-15.
type FloeSpec struct {
	APIVersion   string        `yaml:"apiVersion" alias:"api_version"`
	Kind         string        `yaml:"kind"`
	Metadata     ProductMeta   `yaml:"metadata"`
	Platform     *PlatformRef  `yaml:"platform"`
	Transforms   []Transform   `yaml:"transforms"`
	Schedule     *Schedule     `yaml:"schedule"`
	OutputPorts  []OutputPort  `yaml:"outputPorts" alias:"output_ports"`
	Destinations []Destination `yaml:"destinations"`

	Source *Source `yaml:"-"`
}

// ProductMeta is floe.yaml metadata.
type ProductMeta struct {
	Name        string            `yaml:"name"`
	Version     string            `yaml:"version"`
	Description string            `yaml:"description"`
	Owner       *string           `yaml:"owner"`
	Labels      map[string]string `yaml:"labels"`
}

// PlatformRef is floe.yaml platform (the manifest the product expects).
type PlatformRef struct {
	Manifest string `yaml:"manifest"`
}

// Transform is one dbt model.
type Transform struct {
	Name          string         `yaml:"name"`
	Compute       string         `yaml:"compute"`
	Tags          []string       `yaml:"tags"`
	DependsOn     []string       `yaml:"dependsOn" alias:"depends_on"`
	Tier          string         `yaml:"tier"` // bronze | silver | gold
	QualityChecks []QualityCheck `yaml:"qualityChecks" alias:"quality_checks"`
}

// QualityCheck is one transform quality check.
type QualityCheck struct {
	Name         string         `yaml:"name"`
	Type         string         `yaml:"type"`
	Column       string         `yaml:"column"`
	Dimension    string         `yaml:"dimension"`
	Severity     string         `yaml:"severity"`
	CustomWeight *float64       `yaml:"custom_weight"`
	Parameters   map[string]any `yaml:"parameters"`
	Enabled      *bool          `yaml:"enabled"`
}

// Schedule is when the product runs.
type Schedule struct {
	Cron     string `yaml:"cron"`
	Timezone string `yaml:"timezone"` // default UTC
	Enabled  *bool  `yaml:"enabled"`  // default true
}

// OutputPort is an output port (D-IN-08: its schema key is exempt from the forbidden-key rule).
type OutputPort struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Owner       string         `yaml:"owner"`
	Schema      []OutputColumn `yaml:"schema"`
}

// OutputColumn is one column of an output port.
type OutputColumn struct {
	Name           string `yaml:"name"`
	Type           string `yaml:"type"`
	Description    string `yaml:"description"`
	Required       bool   `yaml:"required"`
	PrimaryKey     bool   `yaml:"primaryKey" alias:"primary_key"`
	Classification string `yaml:"classification"`
}

// Destination is a reverse-ETL destination (validated, not rendered).
type Destination struct {
	Name                string            `yaml:"name"`
	SinkType            string            `yaml:"sink_type"`
	ConnectionSecretRef string            `yaml:"connection_secret_ref"`
	SourceTable         string            `yaml:"source_table"`
	Config              map[string]any    `yaml:"config"`
	FieldMapping        map[string]string `yaml:"field_mapping"`
	BatchSize           *int              `yaml:"batch_size"`
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
