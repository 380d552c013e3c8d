using GraphQLParser.AST;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// What a selection asks for: its fields, counting each alias and each field of a fragment once for every spread of it
/// (as execution resolves them); its depth in fields (a field inside a field is two deep); and how deep fragments
/// spread inside fragments. Each saturates just past the limit it is measured against, so a doubling chain of
/// fragments is measured in time linear in the document.
/// </summary>
internal readonly record struct SelectionSize(long Fields, int Depth, int FragmentDepth)
{
    /// <summary>
    /// The fields of the document's operations together (validation goes through all of them, whichever one runs),
    /// the depth of the deepest, and the deepest spreading of fragments anywhere in the document, used or not:
    /// validation follows every fragment's spreads.
    /// </summary>
    public static SelectionSize OfDocument(GraphQLDocument document)
    {
        var measure = new Measure(document);
        var total = measure.OfFragments();
        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            var size = measure.Of(operation.SelectionSet);
            total = new SelectionSize(Math.Min(Measure.FieldCap, total.Fields + size.Fields), Math.Max(total.Depth, size.Depth),
                Math.Max(total.FragmentDepth, size.FragmentDepth));
        }
        return total;
    }

    /// <summary>
    /// Fragments are measured once each, the fragments they spread first, without recursing from one fragment into
    /// another (a long chain of them must not exhaust the stack). A spread of an unknown fragment, or of one in a cycle,
    /// counts nothing: validation refuses such a document after this.
    /// </summary>
    private sealed class Measure(GraphQLDocument document)
    {
        public const long FieldCap = GraphQLLimits.MaxFields + 1L;
        private const int DepthCap = GraphQLLimits.MaxDepth + 1;
        private const int FragmentDepthCap = GraphQLLimits.MaxFragmentDepth + 1;

        private readonly Dictionary<string, GraphQLFragmentDefinition> _fragments = Fragments(document);
        private readonly Dictionary<string, SelectionSize> _measured = new(StringComparer.Ordinal);

        /// <summary>The deepest spreading of fragments among the document's fragments (fields and depth left at 0).</summary>
        public SelectionSize OfFragments()
        {
            var deepest = 0;
            foreach (var name in _fragments.Keys)
            {
                MeasureFragment(name);
                deepest = Math.Max(deepest, _measured[name].FragmentDepth);
            }
            return new SelectionSize(0, 0, deepest);
        }

        public SelectionSize Of(GraphQLSelectionSet set)
        {
            foreach (var name in Spreads(set)) MeasureFragment(name);
            return Sum(set);
        }

        private void MeasureFragment(string root)
        {
            if (_measured.ContainsKey(root) || !_fragments.ContainsKey(root)) return;
            // The path holds exactly the fragments being measured, each with where it is in the list of what it spreads.
            var path = new Stack<(string Name, IEnumerator<string> Spreads)>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            void Enter(string name)
            {
                path.Push((name, Spreads(_fragments[name].SelectionSet).GetEnumerator()));
                onPath.Add(name);
            }
            Enter(root);
            while (path.TryPeek(out var top))
            {
                string? next = null;
                while (next is null && top.Spreads.MoveNext())
                    if (_fragments.ContainsKey(top.Spreads.Current) && !_measured.ContainsKey(top.Spreads.Current) && !onPath.Contains(top.Spreads.Current))
                        next = top.Spreads.Current;
                if (next is not null)
                {
                    Enter(next);
                    continue;
                }
                top.Spreads.Dispose();
                _measured[top.Name] = Sum(_fragments[top.Name].SelectionSet);
                onPath.Remove(path.Pop().Name);
            }
        }

        private SelectionSize Sum(GraphQLSelectionSet set)
        {
            long fields = 0;
            int depth = 0, fragmentDepth = 0;
            foreach (var selection in set.Selections)
            {
                var (inner, asField, asSpread) = selection switch
                {
                    GraphQLField field => (field.SelectionSet is { } children ? Sum(children) : default, 1, 0),
                    GraphQLInlineFragment inline => (Sum(inline.SelectionSet), 0, 0),
                    GraphQLFragmentSpread spread => (_measured.GetValueOrDefault(spread.FragmentName.Name.StringValue), 0, 1),
                    _ => (default(SelectionSize), 0, 0),
                };
                fields = Math.Min(FieldCap, fields + asField + inner.Fields);
                depth = Math.Min(DepthCap, Math.Max(depth, asField + inner.Depth));
                fragmentDepth = Math.Min(FragmentDepthCap, Math.Max(fragmentDepth, asSpread + inner.FragmentDepth));
            }
            return new SelectionSize(fields, depth, fragmentDepth);
        }

        /// <summary>The fragments a selection spreads, directly or in its fields and inline fragments.</summary>
        private static IEnumerable<string> Spreads(GraphQLSelectionSet set)
        {
            foreach (var selection in set.Selections)
            {
                IEnumerable<string> inner = selection switch
                {
                    GraphQLField { SelectionSet: { } children } => Spreads(children),
                    GraphQLInlineFragment inline => Spreads(inline.SelectionSet),
                    GraphQLFragmentSpread spread => [spread.FragmentName.Name.StringValue],
                    _ => [],
                };
                foreach (var name in inner) yield return name;
            }
        }

        private static Dictionary<string, GraphQLFragmentDefinition> Fragments(GraphQLDocument document)
        {
            var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
            foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>())
                fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
            return fragments;
        }
    }
}
