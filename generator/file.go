package generator

// File is one generated file.
type File struct {
	// Name is the file name relative to the output directory ("types.go").
	Name string
	// Content is the file's content; Go files are gofmt'd.
	Content []byte
}
