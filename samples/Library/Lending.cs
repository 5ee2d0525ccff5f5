using Library.Entities;

namespace Library;

/// <summary>Lending a book through the generated data access: no SQL and no mapping of our own.</summary>
public static class Lending
{
    /// <summary>Records a loan of <paramref name="bookId"/> to <paramref name="reader"/> and starts it; null when no such book.</summary>
    public static Loan? Lend(LibraryDatabase db, long bookId, string reader, DateTimeOffset dueAt)
    {
        if (!db.Books.Exists(bookId))
        {
            return null;
        }

        using var transaction = db.BeginTransaction();
        var id = db.Loans.Insert(new Loan { BookId = bookId, Reader = reader, DueAt = dueAt });
        db.Loans.Update(db.Loans.Get(id)! with { Status = LoanStatus.Active });
        transaction.Commit();
        return db.Loans.Get(id);
    }
}
