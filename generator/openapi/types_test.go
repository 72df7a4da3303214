package openapi_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	types31 "github.com/infgen/infgen/golden/types31/expected"
)

// These tests exercise the JSON behaviour of generated types of the
// committed golden package golden/types31/expected.

func TestUnionDiscriminatorSelectsVariant(t *testing.T) {
	t.Parallel()
	var s types31.Shape
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"sq","side":2}`), &s))
	require.Nil(t, s.Circle)
	require.NotNil(t, s.Square)
	require.Equal(t, 2.0, *s.Square.Side)

	require.NoError(t, json.Unmarshal([]byte(`{"kind":"circle","radius":1.5}`), &s))
	require.Nil(t, s.Square, "decoding resets the other variants")
	require.Equal(t, types31.CircleKindCircle, s.Circle.Kind)
	data, err := json.Marshal(s)
	require.NoError(t, err)
	require.JSONEq(t, `{"kind":"circle","radius":1.5}`, string(data))

	require.NoError(t, json.Unmarshal([]byte(`null`), &s))
	require.Equal(t, types31.Shape{}, s)
	data, err = json.Marshal(types31.Shape{})
	require.NoError(t, err)
	require.Equal(t, "null", string(data))
}

func TestUnionWithoutDiscriminatorTriesVariantsInOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    string
		check func(t *testing.T, v types31.AnyValue)
	}{
		{`"x"`, func(t *testing.T, v types31.AnyValue) { require.Equal(t, "x", *v.String) }},
		{`42`, func(t *testing.T, v types31.AnyValue) { require.Equal(t, int64(42), *v.Int64) }},
		{`["a","b"]`, func(t *testing.T, v types31.AnyValue) { require.Equal(t, []string{"a", "b"}, v.StringArray) }},
	}
	for _, tc := range cases {
		var v types31.AnyValue
		require.NoError(t, json.Unmarshal([]byte(tc.in), &v), tc.in)
		tc.check(t, v)
		out, err := json.Marshal(v)
		require.NoError(t, err)
		require.JSONEq(t, tc.in, string(out))
	}
	var v types31.AnyValue
	require.ErrorContains(t, json.Unmarshal([]byte(`{"an":"object"}`), &v), "matches none of its variants")
}

func TestAdditionalPropertiesNextToFixedOnes(t *testing.T) {
	t.Parallel()
	var l types31.Labels
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"k","a":1,"b":2}`), &l))
	require.Equal(t, "k", l.Kind)
	require.Equal(t, map[string]int64{"a": 1, "b": 2}, l.AdditionalProperties)
	out, err := json.Marshal(l)
	require.NoError(t, err)
	require.JSONEq(t, `{"kind":"k","a":1,"b":2}`, string(out))
	require.Error(t, json.Unmarshal([]byte(`{"kind":"k","a":"not a number"}`), &l))
	var fixed types31.Labels
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"k"}`), &fixed))
	require.Equal(t, types31.Labels{Kind: "k"}, fixed, "no other property: AdditionalProperties stays nil")
}

func TestRecursiveAndRenamedTypes(t *testing.T) {
	t.Parallel()
	var tree types31.Tree
	require.NoError(t, json.Unmarshal([]byte(`{"value":"root","children":[{"value":"leaf","parent":{"value":"root"}}]}`), &tree))
	require.Equal(t, "root", tree.Children[0].Parent.Value)

	// A schema named like a generated identifier is renamed, not clobbered.
	var name types31.ServiceName2 = "x"
	require.Equal(t, "x", name)
	require.NotEmpty(t, types31.ServiceName)

	var w types31.Weird
	require.NoError(t, json.Unmarshal([]byte(`{"type":"t","func":true,"@id":"i","x-rate-limit":1,"X-Rate-Limit":2,"mixed":[1],"self":{"type":"inner"}}`), &w))
	require.Equal(t, "t", *w.Type)
	require.True(t, *w.Func)
	require.Equal(t, "i", *w.ID)
	require.Equal(t, int64(1), *w.XRateLimit, "the first in the document keeps the plain name")
	require.Equal(t, int64(2), *w.XRateLimit2)
	require.JSONEq(t, `[1]`, string(w.Mixed))
	require.Equal(t, "inner", *w.Self.Type)
}

func TestAllOfHierarchyWithDiscriminator(t *testing.T) {
	t.Parallel()
	var zoo types31.Zoo
	require.NoError(t, json.Unmarshal([]byte(`{"animals":[
		{"animalType":"doggo","name":"rex","bark":true},
		{"animalType":"Cat","name":"tom","lives":9},
		{"animalType":"snake","name":"kaa"}]}`), &zoo))
	require.Len(t, zoo.Animals, 3)
	require.True(t, *zoo.Animals[0].Dog.Bark)
	require.Equal(t, "rex", zoo.Animals[0].Dog.Name)
	require.Equal(t, int64(9), *zoo.Animals[1].Cat.Lives)
	require.Equal(t, "kaa", zoo.Animals[2].Base.Name, "unknown discriminator values keep the common properties")
	out, err := json.Marshal(zoo.Animals[1])
	require.NoError(t, err)
	require.JSONEq(t, `{"animalType":"Cat","name":"tom","lives":9}`, string(out))
}
