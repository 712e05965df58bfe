// The dashboard on its own (what WebApplicationFactory hosts in tests); `tracelens serve`
// builds the same app through DashboardApp.Build with the CLI's options.
Tracelens.Web.DashboardApp.Build(args).Run();
