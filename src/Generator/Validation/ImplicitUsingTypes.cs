using System;
using System.Collections.Generic;

namespace AgentHive.Generator.Validation;

/// <summary>
/// Public types of the namespaces Microsoft.NET.Sdk imports with implicit usings (System,
/// System.Collections.Generic, System.IO, System.Linq, System.Net.Http, System.Threading,
/// System.Threading.Tasks) that a table or enum could plausibly be named after. A generated type with one of
/// these names makes every unqualified use ambiguous (CS0104) in a project that imports the entities' namespace.
/// The *Extensions classes are listed too, since each enum brings one.
/// </summary>
public static class ImplicitUsingTypes
{
    private static readonly Dictionary<string, string> Namespaces = Build(
        ("System", "Action Activator AppContext AppDomain Array ArraySegment Attribute BitConverter Boolean Buffer Byte Char Console "
            + "Convert DateOnly DateTime DateTimeOffset DayOfWeek Decimal Delegate Double Enum Environment EventArgs EventHandler Exception "
            + "Func GC Guid Half HashCode Index Int16 Int32 Int64 Int128 IntPtr Lazy Math MathF Memory MemoryExtensions MulticastDelegate "
            + "Nullable Object Predicate Progress Random Range ReadOnlyMemory ReadOnlySpan SByte Single Span String StringComparer TimeOnly TimeProvider "
            + "TimeSpan TimeZoneInfo Tuple Type UInt16 UInt32 UInt64 UInt128 UIntPtr Uri UriBuilder ValueTuple Version Void WeakReference"),
        ("System.Collections.Generic", "CollectionExtensions Comparer Dictionary EqualityComparer HashSet KeyValuePair LinkedList "
            + "LinkedListNode List PriorityQueue Queue SortedDictionary SortedList SortedSet Stack"),
        ("System.IO", "BinaryReader BinaryWriter BufferedStream Directory DirectoryInfo DriveInfo File FileAccess FileAttributes FileInfo "
            + "FileMode FileShare FileStream FileSystemInfo FileSystemWatcher MemoryStream Path SearchOption SeekOrigin Stream StreamReader "
            + "StreamWriter StringReader StringWriter TextReader TextWriter"),
        ("System.Linq", "Enumerable EnumerableQuery Lookup ParallelEnumerable ParallelQuery Queryable"),
        ("System.Net.Http", "ByteArrayContent DelegatingHandler FormUrlEncodedContent HttpClient HttpClientHandler HttpContent HttpMethod "
            + "HttpRequestMessage HttpRequestOptions HttpResponseMessage MultipartContent SocketsHttpHandler StreamContent StringContent"),
        ("System.Threading", "AsyncLocal AutoResetEvent Barrier CancellationToken CancellationTokenSource CountdownEvent ExecutionContext "
            + "Interlocked LazyInitializer Lock ManualResetEvent Monitor Mutex Overlapped PeriodicTimer ReaderWriterLock Semaphore "
            + "SemaphoreSlim SpinLock SpinWait SynchronizationContext Thread ThreadLocal ThreadPool Timeout Timer Volatile WaitHandle "
            + "WaitHandleExtensions"),
        ("System.Threading.Tasks", "Parallel ParallelOptions Task TaskAsyncEnumerableExtensions TaskCompletionSource TaskExtensions TaskFactory "
            + "TaskScheduler TaskStatus TimeProviderTaskExtensions ValueTask"));

    /// <summary>The namespace that already has a type named <paramref name="name"/>, or null.</summary>
    public static string? NamespaceOf(string name) => Namespaces.TryGetValue(name, out var ns) ? ns : null;

    private static Dictionary<string, string> Build(params (string Namespace, string Types)[] groups)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (ns, types) in groups)
        {
            foreach (var type in types.Split(' '))
            {
                result[type] = ns;
            }
        }

        return result;
    }
}
