package main

import "github.com/dave/jennifer/jen"

// configDecls declares the configuration file's types and loading.
func configDecls(f *jen.File) {
	dur := jen.Qual("time", "Duration")
	f.Line()
	f.Comment("config is the content of the configuration file (worker.yaml).")
	f.Type().Id("config").Struct(
		jen.Id("LogLevel").String().Tag(map[string]string{"yaml": "log_level"}),
		jen.Id("WorkflowConcurrency").Int().Tag(map[string]string{"yaml": "workflow_concurrency"}),
		jen.Id("Services").Map(jen.String()).Id("serviceConfig").Tag(map[string]string{"yaml": "services"}),
	)
	f.Line()
	f.Comment("serviceConfig configures one hosted service.")
	f.Type().Id("serviceConfig").Struct(
		jen.Comment("URL is the API's base URL (HTTP) or the server's host:port (gRPC)."),
		jen.Id("URL").String().Tag(map[string]string{"yaml": "url"}),
		jen.Id("Concurrency").Int().Tag(map[string]string{"yaml": "concurrency"}),
		jen.Id("Timeout").Add(dur.Clone()).Tag(map[string]string{"yaml": "timeout"}),
		jen.Id("Retry").Id("retryConfig").Tag(map[string]string{"yaml": "retry"}),
	)
	f.Line()
	f.Comment("retryConfig is an exponential back-off with jitter.")
	f.Type().Id("retryConfig").Struct(
		jen.Id("MaxAttempts").Int().Tag(map[string]string{"yaml": "max_attempts"}),
		jen.Id("Initial").Add(dur.Clone()).Tag(map[string]string{"yaml": "initial"}),
		jen.Id("Max").Add(dur.Clone()).Tag(map[string]string{"yaml": "max"}),
	)
	f.Line()
	comments(f, "loadConfig reads the configuration file; unknown keys are errors.", "INFGEN_LOG_LEVEL overrides log_level.")
	f.Func().Id("loadConfig").Params(jen.Id("path").String()).Params(jen.Op("*").Id("config"), jen.Error()).Block(
		jen.List(jen.Id("data"), jen.Err()).Op(":=").Qual("os", "ReadFile").Call(jen.Id("path")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("read configuration (set -config): %w"), jen.Err()))),
		jen.Var().Id("c").Id("config"),
		jen.Id("dec").Op(":=").Qual(scPkgYAML, "NewDecoder").Call(jen.Qual("bytes", "NewReader").Call(jen.Id("data"))),
		jen.Id("dec").Dot("KnownFields").Call(jen.True()),
		jen.If(jen.Err().Op(":=").Id("dec").Dot("Decode").Call(jen.Op("&").Id("c")), jen.Err().Op("!=").Nil().Op("&&").Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("io", "EOF"))).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("parse configuration %s: %w"), jen.Id("path"), jen.Err())),
		),
		jen.If(jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Lit("INFGEN_LOG_LEVEL")), jen.Id("v").Op("!=").Lit("")).Block(
			jen.Id("c").Dot("LogLevel").Op("=").Id("v"),
		),
		jen.Return(jen.Op("&").Id("c"), jen.Nil()),
	)
	f.Line()
	f.Comment("level returns the log level (info unless set).")
	f.Func().Params(jen.Id("c").Op("*").Id("config")).Id("level").Params().Qual("log/slog", "Level").Block(
		jen.Var().Id("l").Qual("log/slog", "Level"),
		jen.If(jen.Err().Op(":=").Id("l").Dot("UnmarshalText").Call(jen.Index().Byte().Call(jen.Id("c").Dot("LogLevel"))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("log/slog", "LevelInfo")),
		),
		jen.Return(jen.Id("l")),
	)
	f.Line()
	comments(f, "service returns the configuration of the service under key; the environment", "variable env, when set, overrides its URL.")
	f.Func().Params(jen.Id("c").Op("*").Id("config")).Id("service").Params(jen.List(jen.Id("key"), jen.Id("env")).String()).Params(jen.Id("serviceConfig"), jen.Error()).Block(
		jen.Id("s").Op(":=").Id("c").Dot("Services").Index(jen.Id("key")),
		jen.If(jen.Id("v").Op(":=").Qual("os", "Getenv").Call(jen.Id("env")), jen.Id("v").Op("!=").Lit("")).Block(
			jen.Id("s").Dot("URL").Op("=").Id("v"),
		),
		jen.If(jen.Id("s").Dot("URL").Op("==").Lit("")).Block(
			jen.Return(jen.Id("s"), jen.Qual("fmt", "Errorf").Call(jen.Lit("services.%s.url is empty: set it in the configuration file or in %s"), jen.Id("key"), jen.Id("env"))),
		),
		jen.Return(jen.Id("s"), jen.Nil()),
	)
	f.Line()
	f.Comment("options turns a service's configuration into worker options.")
	f.Func().Params(jen.Id("s").Id("serviceConfig")).Id("options").Params().Index().Qual(scPkgWorker, "ServiceOption").Block(
		jen.Var().Id("opts").Index().Qual(scPkgWorker, "ServiceOption"),
		jen.If(jen.Id("s").Dot("Concurrency").Op(">").Lit(0)).Block(
			jen.Id("opts").Op("=").Append(jen.Id("opts"), jen.Qual(scPkgWorker, "WithConcurrency").Call(jen.Id("s").Dot("Concurrency")))),
		jen.If(jen.Id("s").Dot("Timeout").Op(">").Lit(0)).Block(
			jen.Id("opts").Op("=").Append(jen.Id("opts"), jen.Qual(scPkgWorker, "WithTimeout").Call(jen.Id("s").Dot("Timeout")))),
		jen.If(jen.Id("s").Dot("Retry").Op("!=").Parens(jen.Id("retryConfig").Values())).Block(
			jen.Id("opts").Op("=").Append(jen.Id("opts"), jen.Qual(scPkgWorker, "WithRetry").Call(jen.Qual(scPkgRetry, "Policy").Values(jen.Dict{
				jen.Id("MaxAttempts"): jen.Id("s").Dot("Retry").Dot("MaxAttempts"),
				jen.Id("Initial"):     jen.Id("s").Dot("Retry").Dot("Initial"),
				jen.Id("Max"):         jen.Id("s").Dot("Retry").Dot("Max"),
				jen.Id("Multiplier"):  jen.Lit(2),
				jen.Id("Jitter"):      jen.Lit(0.2),
			})))),
		jen.Return(jen.Id("opts")),
	)
}

// backendDecls declares the choice of transport and storage.
func backendDecls(f *jen.File) {
	errf := func(msg string, args ...jen.Code) *jen.Statement {
		return jen.Qual("fmt", "Errorf").Call(append([]jen.Code{jen.Lit(msg)}, args...)...)
	}
	f.Line()
	comments(f, "openBackends returns the transport and storage the environment selects:",
		"Pulsar when INFGEN_PULSAR_URL is set, with the shared storage named by",
		"INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN; otherwise the",
		"embedded default (in-process transport, single-file storage",
		"INFGEN_EMBEDDED_PATH, default infgen.db).")
	f.Func().Id("openBackends").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("logger").Op("*").Qual("log/slog", "Logger")).
		Params(jen.Qual(scPkgTrans, "Transport"), jen.Qual(scPkgStorage, "Storage"), jen.Error()).Block(
		jen.If(jen.Qual("os", "Getenv").Call(jen.Qual(scPkgPulsar, "EnvURL")).Op("==").Lit("")).Block(
			jen.Id("path").Op(":=").Qual("cmp", "Or").Call(jen.Qual("os", "Getenv").Call(jen.Qual(scPkgEmbedded, "EnvPath")), jen.Lit("infgen.db")),
			jen.List(jen.Id("rt"), jen.Err()).Op(":=").Qual(scPkgLocal, "Open").Call(jen.Id("path")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err())),
			jen.Id("logger").Dot("Info").Call(jen.Lit("embedded default: in-process transport, single-file storage"), jen.Lit("path"), jen.Id("path")),
			jen.Return(jen.Id("rt").Dot("Transport"), jen.Id("rt").Dot("Storage"), jen.Nil()),
		),
		jen.List(jen.Id("pc"), jen.Err()).Op(":=").Qual(scPkgPulsar, "ConfigFromEnv").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err())),
		jen.Id("pc").Dot("Logger").Op("=").Id("logger"),
		jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("openStorage").Call(jen.Id("ctx")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err())),
		jen.List(jen.Id("tr"), jen.Err()).Op(":=").Qual(scPkgPulsar, "New").Call(jen.Id("ctx"), jen.Id("pc")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("_").Op("=").Id("st").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Nil(), errf("connect to Pulsar at %s: %w", jen.Id("pc").Dot("URL"), jen.Err())),
		),
		jen.Return(jen.Id("tr"), jen.Id("st"), jen.Nil()),
	)
	type backend struct{ pkg, env, name string }
	var cases []jen.Code
	for _, b := range []backend{{scPkgPostgres, "EnvDSN", "PostgreSQL"}, {scPkgRedis, "EnvAddr", "Redis"}, {scPkgMySQL, "EnvDSN", "MySQL"}} {
		cases = append(cases, jen.Case(jen.Qual("os", "Getenv").Call(jen.Qual(b.pkg, b.env)).Op("!=").Lit("")).Block(
			jen.List(jen.Id("c"), jen.Err()).Op(":=").Qual(b.pkg, "ConfigFromEnv").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.List(jen.Id("st"), jen.Err()).Op(":=").Id("c").Dot("Open").Call(jen.Id("ctx")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), errf("open "+b.name+" storage: %w", jen.Err()))),
			jen.Return(jen.Id("st"), jen.Nil()),
		))
	}
	f.Line()
	f.Comment("openStorage opens the shared storage named by the environment.")
	f.Func().Id("openStorage").Params(jen.Id("ctx").Qual("context", "Context")).Params(jen.Qual(scPkgStorage, "Storage"), jen.Error()).Block(
		jen.Switch().Block(cases...),
		jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("INFGEN_PULSAR_URL is set but no shared storage is: set INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN"))),
	)
}
