using AgentHive.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AgentHive.Generator.Diagnostics;

/// <summary>A diagnostic as plain data; becomes a Roslyn <see cref="Diagnostic"/> only when reported.</summary>
public sealed record DiagnosticInfo(string Id, LocationInfo Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var descriptor = DiagnosticDescriptors.ById(Id);
        var position = new LinePosition(Location.Line - 1, Location.Column - 1);
        var location = Microsoft.CodeAnalysis.Location.Create(
            Location.FilePath,
            new TextSpan(0, 0),
            new LinePositionSpan(position, position));
        var args = new object[Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, location, args);
    }

    public string Message => string.Format(System.Globalization.CultureInfo.InvariantCulture,
        DiagnosticDescriptors.ById(Id).MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture),
        System.Linq.Enumerable.ToArray<object>(Arguments));
}
