// Which read-model views a command's answer may carry (read-your-writes): the rule every surface applies.
namespace Hybrid

/// Read-your-writes access. A command's answer carries the views its definition names for the payload (the command's
/// author chose to show them with it) and, when the caller names other views, those of models that admit the caller
/// (ReadModel.readableBy). Anything else is denied, so a view never shows what the model's queries would refuse.
module ViewAccess =

    /// Whether the caller may have <paramref name="view"/> answered after the command whose definition names
    /// <paramref name="commandViews"/> for this payload, given the view's model definition (None when the application's
    /// registry does not define it: only the command's own views are then answered): Allowed, or Denied naming the view.
    let check (caller: Caller) (commandViews: ViewRef list) (model: ReadModelDefinition option) (view: ViewRef) =
        let admitted = model |> Option.exists (fun m -> m.ReadableBy caller)
        if List.contains view commandViews || admitted then Authorization.Allowed
        else
            let shown = if view.Scope = "" then view.Model else $"{view.Model}:{view.Scope}"
            Authorization.Denied
                $"The caller '{caller.Actor}' may not read the view '{shown}': name only views the command answers with, or read it through a query."
