using System.Globalization;
using System.Text;

namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>
/// Writes metric snapshots in the Prometheus text exposition format (version 0.0.4), naming series the way the
/// OpenTelemetry Prometheus exporter does: dots become underscores, the unit is appended (<c>_seconds</c>,
/// <c>_bytes</c>) and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusTextFormat
{
    /// <summary>The media type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes every metric with its <c># HELP</c> and <c># TYPE</c> lines; metrics with no series are left out.</summary>
    public static string Write(IEnumerable<MetricSnapshot> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder();
        foreach (var metric in metrics.Where(metric => metric.Series.Count > 0))
        {
            var name = NameOf(metric);
            if (metric.Description is { Length: > 0 } description)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(metric.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');

            foreach (var series in metric.Series)
            {
                if (series.Histogram is { } histogram)
                {
                    for (var i = 0; i < histogram.UpperBounds.Count; i++)
                    {
                        Line(text, name + "_bucket", series.Tags, ("le", Number(histogram.UpperBounds[i])), histogram.CumulativeCounts[i]);
                    }

                    Line(text, name + "_bucket", series.Tags, ("le", "+Inf"), histogram.Count);
                    Line(text, name + "_sum", series.Tags, null, histogram.Sum);
                    Line(text, name + "_count", series.Tags, null, histogram.Count);
                }
                else
                {
                    Line(text, name, series.Tags, null, series.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The Prometheus name of a metric: <c>chordkvs.client.request.duration</c> in seconds is <c>chordkvs_client_request_duration_seconds</c>.</summary>
    public static string NameOf(MetricSnapshot metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var name = Sanitize(metric.Name);
        var suffix = metric.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        return metric.Kind == MetricKind.Counter ? name + "_total" : name;
    }

    private static void Line(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> tags, (string Name, string Value)? extra, double value)
    {
        text.Append(name);
        if (tags.Count > 0 || extra is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (label, labelValue) in tags.Select(tag => (tag.Key, tag.Value)).Concat(extra is { } e ? [e] : []))
            {
                text.Append(first ? string.Empty : ",").Append(Sanitize(label)).Append("=\"")
                    .Append(labelValue.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                    .Append('"');
                first = false;
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Replaces every character a Prometheus name may not contain by an underscore.</summary>
    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_' || chars[i] == ':') || (i == 0 && char.IsAsciiDigit(chars[i])))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
