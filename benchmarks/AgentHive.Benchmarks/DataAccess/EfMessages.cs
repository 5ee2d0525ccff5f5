using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Entities;
using Microsoft.EntityFrameworkCore;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// EF Core at its cheapest: one long-lived context on the benchmark's open connection, reads without
/// tracking (LINQ, or compiled queries that skip the query cache lookup), writes through SaveChanges with
/// the change tracker cleared after each. EF writes generated keys back into the entities it inserts, so
/// inserts get copies of the shared templates (a copy per row is part of EF's cost).
/// </summary>
public sealed class EfMessages<TContext> : IDisposable
    where TContext : HiveDbContext
{
    private static readonly Func<TContext, long, AgentMessage?> CompiledGet =
        EF.CompileQuery((TContext c, long id) => c.Messages.AsNoTracking().FirstOrDefault(m => m.Id == id));

    private static readonly Func<TContext, long, IEnumerable<AgentMessage>> CompiledRouting =
        EF.CompileQuery((TContext c, long agent) => c.Messages.AsNoTracking()
            .Where(m => m.ToAgentId == agent && m.Status == MessageStatus.Pending)
            .OrderBy(m => m.Priority).ThenBy(m => m.SentAt)
            .Take(MessageDataSet.RoutingLimit));

    private static readonly Func<TContext, long, Task<AgentMessage?>> CompiledGetAsync =
        EF.CompileAsyncQuery((TContext c, long id) => c.Messages.AsNoTracking().FirstOrDefault(m => m.Id == id));

    private static readonly Func<TContext, long, IAsyncEnumerable<AgentMessage>> CompiledRoutingAsync =
        EF.CompileAsyncQuery((TContext c, long agent) => c.Messages.AsNoTracking()
            .Where(m => m.ToAgentId == agent && m.Status == MessageStatus.Pending)
            .OrderBy(m => m.Priority).ThenBy(m => m.SentAt)
            .Take(MessageDataSet.RoutingLimit));

    private readonly TContext _context;

    public EfMessages(TContext context) => _context = context;

    public AgentMessage? Get(long id) => _context.Messages.AsNoTracking().FirstOrDefault(m => m.Id == id);

    public AgentMessage? GetCompiled(long id) => CompiledGet(_context, id);

    public List<AgentMessage> NextPending(long agentId) => Routing(agentId).ToList();

    public List<AgentMessage> NextPendingCompiled(long agentId) => CompiledRouting(_context, agentId).ToList();

    public long Insert(AgentMessage message)
    {
        var copy = message with { };
        _context.Messages.Add(copy);
        _context.SaveChanges();
        _context.ChangeTracker.Clear();
        return copy.Id!.Value;
    }

    public int InsertMany(IReadOnlyList<AgentMessage> messages)
    {
        _context.Messages.AddRange(messages.Select(m => m with { }));
        var inserted = _context.SaveChanges();
        _context.ChangeTracker.Clear();
        return inserted;
    }

    public int Update(AgentMessage message)
    {
        _context.Messages.Update(message);
        var updated = _context.SaveChanges();
        _context.ChangeTracker.Clear();
        return updated;
    }

    public Task<AgentMessage?> GetAsync(long id) => _context.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id);

    public Task<AgentMessage?> GetCompiledAsync(long id) => CompiledGetAsync(_context, id);

    public Task<List<AgentMessage>> NextPendingAsync(long agentId) => Routing(agentId).ToListAsync();

    public async Task<List<AgentMessage>> NextPendingCompiledAsync(long agentId)
    {
        var result = new List<AgentMessage>(MessageDataSet.RoutingLimit);
        await foreach (var message in CompiledRoutingAsync(_context, agentId))
        {
            result.Add(message);
        }

        return result;
    }

    public async Task<long> InsertAsync(AgentMessage message)
    {
        var copy = message with { };
        _context.Messages.Add(copy);
        await _context.SaveChangesAsync();
        _context.ChangeTracker.Clear();
        return copy.Id!.Value;
    }

    public async Task<int> InsertManyAsync(IReadOnlyList<AgentMessage> messages)
    {
        _context.Messages.AddRange(messages.Select(m => m with { }));
        var inserted = await _context.SaveChangesAsync();
        _context.ChangeTracker.Clear();
        return inserted;
    }

    public async Task<int> UpdateAsync(AgentMessage message)
    {
        _context.Messages.Update(message);
        var updated = await _context.SaveChangesAsync();
        _context.ChangeTracker.Clear();
        return updated;
    }

    /// <summary>The SQL EF sends for the routing read, to check it names the status as a literal.</summary>
    public string RoutingSql(long agentId) => Routing(agentId).ToQueryString();

    public void Dispose() => _context.Dispose();

    private IQueryable<AgentMessage> Routing(long agentId) => _context.Messages.AsNoTracking()
        .Where(m => m.ToAgentId == agentId && m.Status == MessageStatus.Pending)
        .OrderBy(m => m.Priority).ThenBy(m => m.SentAt)
        .Take(MessageDataSet.RoutingLimit);
}
