using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Schemas the database would accept or refuse only at deploy time: numbers that are not numbers,
/// expressions that do not parse, and design mistakes visible at build time. Same » marker as
/// <see cref="DiagnosticsTests.BadSchemas"/>.
/// </summary>
public partial class DiagnosticsTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "NaN as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: »NaN }
            """ },
        { "YAML .nan as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: ».nan }
            """ },
        { "Infinity as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: »-Infinity }
            """ },
        { "YAML .inf as max", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, min: 0, max: ».inf }
            """ },
        { "YAML -.inf as min", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, min: »-.inf }
            """ },
        { "NaN as min", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load:
                    type: real
                    min: »NaN
            """ },
        { "default below its own min", "AH0020", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  priority: { type: integer, default: »0, min: 1, max: 10 }
            """ },
        { "real default above its own max", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, max: 1.0, default: »1.5 }
            """ },
        { "bigint default above max where doubles cannot tell them apart", "AH0020", """
            version: 1
            tables:
              counters:
                columns:
                  id: id
                  value: { type: bigint, max: 9007199254740992, default: »9007199254740993 }
            """ },
        { "version above the limit", "AH0028", """
            version: »2000000
            tables:
              agents:
                columns:
                  id: id
            """ },
    };

    public static TheoryData<string, string, string> SuspiciousDesigns => new()
    {
    };
}
