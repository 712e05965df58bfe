using Tracelens.Cli;
using Tracelens.Cli.Rendering;

return TracelensCli.Run(args, CliIo.FromConsole());
