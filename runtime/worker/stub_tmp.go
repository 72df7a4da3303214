package worker

// Worker hosts service executors and workflow engines. (Temporary declaration.)
type Worker struct{}

// ServiceOption adjusts a registered service.
type ServiceOption func(*serviceOptions)

type serviceOptions struct{}

// RegisterService registers a service implementation.
func (w *Worker) RegisterService(s Service, opts ...ServiceOption) error { panic("not implemented yet") }
