using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// Renders a message and everything it holds as text, so that two messages can be compared field by field.
/// Record equality cannot do that after a round trip: an <see cref="System.Collections.Immutable.ImmutableArray{T}"/>
/// field compares by reference.
/// </summary>
internal static class MessageText
{
    public static string Render(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"').Append(s).Append('"');
                return;
            case NodeId id:
                text.Append(id.ToString());
                return;
            case DateTimeOffset instant:
                // Its properties lead to DateTime, whose Date is a DateTime again: render it, never walk it.
                text.Append(instant.ToString("O", CultureInfo.InvariantCulture));
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value.GetType().IsEnum:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            case bool flag:
                text.Append(flag ? "true" : "false");
                return;
            case IEnumerable sequence:
                if (IsDefaultImmutableArray(value))
                {
                    text.Append("default");
                    return;
                }

                text.Append('[');
                var first = true;
                foreach (var item in sequence)
                {
                    text.Append(first ? string.Empty : ", ");
                    Append(text, item);
                    first = false;
                }

                text.Append(']');
                return;
        }

        var type = value.GetType();
        text.Append(type.Name).Append(" {");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(' ').Append(property.Name).Append(" = ");
            Append(text, property.GetValue(value));
            text.Append(';');
        }

        text.Append(" }");
    }

    private static bool IsDefaultImmutableArray(object value) =>
        value.GetType() is { IsGenericType: true } type
        && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
        && (bool)type.GetProperty("IsDefault")!.GetValue(value)!;
}

public class MessageTextTests
{
    private static readonly NodeInfo A = new(new NodeId(1), "http://a");
    private static readonly NodeInfo B = new(new NodeId(2), "http://b");

    [Test]
    public void Messages_with_equal_contents_render_alike_even_in_different_arrays()
    {
        var original = new NeighborsReply(A, null, [A, B]);
        var copy = new NeighborsReply(A with { }, null, [.. original.Successors.Select(node => node with { })]);
        Assert.That(copy, Is.Not.EqualTo(original), "record equality compares the arrays by reference");
        Assert.That(MessageText.Render(copy), Is.EqualTo(MessageText.Render(original)));
    }

    [Test]
    public void Messages_that_differ_only_inside_a_list_render_differently()
    {
        Assert.That(MessageText.Render(new SuccessorLeavingRequest(A, [A, B])), Is.Not.EqualTo(MessageText.Render(new SuccessorLeavingRequest(A, [B, A]))));
    }

    [Test]
    public void Messages_that_differ_in_a_nested_field_render_differently()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MessageText.Render(new NeighborsReply(A, null, [A])), Is.Not.EqualTo(MessageText.Render(new NeighborsReply(A, A, [A]))));
            Assert.That(MessageText.Render(new PingReply(A)), Is.Not.EqualTo(MessageText.Render(new PingReply(A with { Address = "http://c" }))));
            Assert.That(MessageText.Render(new FindSuccessorStepReply(true, [A])), Is.Not.EqualTo(MessageText.Render(new FindSuccessorStepReply(false, [A]))));
        });
    }
}
