package ir

// Kind is the shape of a TypeRef.
type Kind string

// Kinds of type references.
const (
	// KindAny is arbitrary JSON, generated as json.RawMessage.
	KindAny     Kind = "any"
	KindBool    Kind = "bool"
	KindInt     Kind = "int"
	KindInt32   Kind = "int32"
	KindInt64   Kind = "int64"
	KindUint64  Kind = "uint64"
	KindFloat32 Kind = "float32"
	KindFloat64 Kind = "float64"
	KindString  Kind = "string"
	// KindDateTime is an RFC 3339 date-time (time.Time).
	KindDateTime Kind = "date-time"
	// KindDate is a full-date (YYYY-MM-DD), generated as a string-based Date type.
	KindDate Kind = "date"
	// KindUUID is a UUID, generated as a string (no extra dependency).
	KindUUID Kind = "uuid"
	// KindBytes is base64-encoded binary (format: byte), []byte.
	KindBytes Kind = "bytes"
	// KindBinary is raw binary content (format: binary), []byte.
	KindBinary Kind = "binary"
	// KindArray is a slice of Elem.
	KindArray Kind = "array"
	// KindMap is a map from string to Elem.
	KindMap Kind = "map"
	// KindNamed refers to Spec.Types[i] by Name.
	KindNamed Kind = "named"
	// KindEmpty is an object with no properties (struct{}).
	KindEmpty Kind = "empty"
)

// TypeRef is a use of a type.
type TypeRef struct {
	Kind Kind
	// Name is the referenced Type's Name for KindNamed.
	Name string
	// Elem is the element type for KindArray and KindMap.
	Elem *TypeRef
	// Nullable reports that JSON null is a valid value distinct from absence.
	Nullable bool
}

// TypeKind is the shape of a named Type.
type TypeKind string

// Shapes of named types.
const (
	TypeStruct TypeKind = "struct"
	TypeEnum   TypeKind = "enum"
	TypeUnion  TypeKind = "union"
	// TypeAlias is a defined type over another type (type Pets []Pet).
	TypeAlias TypeKind = "alias"
)

// Type is a named type of the generated package.
type Type struct {
	// Name is the Go identifier, unique in the package.
	Name string
	Kind TypeKind
	Doc  string
	// Pos is where the schema is declared.
	Pos        Pos
	Deprecated bool

	// Fields of a TypeStruct: properties of allOf members first, then the
	// schema's own, each group in document order.
	Fields []Field
	// Additional, when set, is the type of additionalProperties of a
	// struct that also has fixed fields, captured in an extra map field
	// named AdditionalPropertiesField.
	Additional *TypeRef

	// Enum describes a TypeEnum.
	Enum *Enum
	// Union describes a TypeUnion.
	Union *Union
	// Alias is the underlying type of a TypeAlias.
	Alias *TypeRef
}

// Field is a struct field.
type Field struct {
	// Name is the Go field name, unique within the struct.
	Name string
	// JSONName is the property name on the wire.
	JSONName string
	Doc      string
	Type     TypeRef
	// Required fields are always present on the wire.
	Required   bool
	Deprecated bool
	ReadOnly   bool
	WriteOnly  bool
}

// Enum is a closed set of scalar values.
type Enum struct {
	// Base is the underlying scalar kind (KindString, KindInt64, KindFloat64,
	// KindBool).
	Base Kind
	// Values are in document order.
	Values []EnumValue
}

// EnumValue is one enum member.
type EnumValue struct {
	// Name is the constant's Go identifier, unique in the package.
	Name string
	// Literal is the value as a JSON literal ("\"active\"", "42", "true").
	Literal string
}

// Union is a oneOf/anyOf.
type Union struct {
	// OneOf is true for oneOf (exactly one variant), false for anyOf.
	OneOf bool
	// Discriminator is the wire name of the discriminating property, or
	// empty when variants are told apart by trying to decode each.
	Discriminator string
	// Variants are in document order.
	Variants []Variant
	// Fallback, when set, names the variant that receives values whose
	// discriminator matches no variant (the base object of an allOf
	// hierarchy).
	Fallback string
}

// Variant is one alternative of a union.
type Variant struct {
	// Name is the Go field name holding this variant in the union struct.
	Name string
	Type TypeRef
	// Values are the discriminator values selecting this variant.
	Values []string
}
