package gen

// Import paths of the runtime packages generated code of both kinds links.
const (
	PkgService  = "github.com/infgen/infgen/runtime/service"
	PkgWorker   = "github.com/infgen/infgen/runtime/worker"
	PkgWorkflow = "github.com/infgen/infgen/runtime/workflow"
	PkgCodec    = "github.com/infgen/infgen/runtime/codec"
	PkgRetry    = "github.com/infgen/infgen/runtime/retry"
	PkgFailure  = "github.com/infgen/infgen/runtime/failure"
)
