package proto

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckGoPackage(t *testing.T) {
	t.Parallel()
	for gp, want := range map[string]string{
		"":                         "",
		";":                        "",
		";pb":                      "",
		"example.com/x":            "",
		"example.com/x-y.v2;xy":    "",
		"github.com/foo/bar;":      "",
		"pb":                       "no Go import path",
		"proto;proto":              "no Go import path",
		"./local/pkg":              "relative or absolute file path",
		"/abs/pkg":                 "relative or absolute file path",
		"example.com/x y":          "characters Go import paths cannot hold",
		"example.com/x;go":         "a Go keyword",
		"example.com/x;1abc":       "no Go identifier",
		"example.com/x;with-dash":  "no Go identifier",
		"example.com/v1;v1":        "",
		"example.com/internal/x;x": "",
	} {
		err := checkGoPackage(gp)
		if want == "" {
			require.NoError(t, err, gp)
			continue
		}
		require.ErrorContains(t, err, want, gp)
	}
}

func TestNewPluginNeedsAPackageName(t *testing.T) {
	t.Parallel()
	_, err := newPlugin(nil, []string{"x.proto"}, "", "")
	require.ErrorContains(t, err, "package name")
}
