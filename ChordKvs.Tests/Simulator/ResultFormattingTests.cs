using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class ResultFormattingTests
{
    [Test]
    public void Percentiles_follow_the_nearest_rank_rule()
    {
        var distribution = new Distribution();
        for (var value = 1; value <= 100; value++)
        {
            distribution.Add(value);
        }

        Assert.Multiple(() =>
        {
            Assert.That(distribution.Mean, Is.EqualTo(50.5));
            Assert.That(distribution.Percentile(1), Is.EqualTo(1));
            Assert.That(distribution.Percentile(50), Is.EqualTo(50));
            Assert.That(distribution.Percentile(99), Is.EqualTo(99));
            Assert.That(distribution.Percentile(100), Is.EqualTo(100));
            Assert.That(distribution.Max, Is.EqualTo(100));
            Assert.That(new Distribution().Percentile(99), Is.Zero, "an empty distribution reports 0");
            Assert.Throws<ArgumentOutOfRangeException>(() => distribution.Percentile(0));
        });
    }

    [Test]
    public void Tables_format_numbers_invariantly_and_quote_csv_cells_that_need_it()
    {
        var table = new ResultTable("name", "value", "paper");
        table.Add("a, b", 1.5, null);
        table.Add("plain", 12, "3.84 (2, 5)");

        Assert.That(table.ToCsv(), Is.EqualTo("name,value,paper\n\"a, b\",1.500,-\nplain,12,\"3.84 (2, 5)\"\n"));
        Assert.That(table.ToText().Split('\n')[2], Does.StartWith("a, b "));
        Assert.Throws<ArgumentException>(() => table.Add("too few"));
    }

    [Test]
    public void Seeds_of_parts_differ_and_repeat()
    {
        var first = Seeds.For(1, 0);
        Assert.That(Seeds.For(1, 0), Is.EqualTo(first));
        Assert.That(Seeds.For(1, 0), Is.Not.EqualTo(Seeds.For(1, 1)));
        Assert.That(Seeds.For(1, 0), Is.Not.EqualTo(Seeds.For(2, 0)));
    }
}
