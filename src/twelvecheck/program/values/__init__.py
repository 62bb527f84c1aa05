"""What an expression is and what a name holds, within one module: the value and scope models the rules share.

Which module answers which question:

- ``exprs``, ``dicts``: what an expression is by itself (a call's arguments, a literal, a
  path, an opened file, a dict literal's entries).
- ``assigned`` (:class:`AssignedValues`): what a name or ``self.attr`` may hold at a use in
  the function being visited, from the assignments seen so far. The rule records
  assignments itself, so it decides whether a statement's own assignment counts; it reads
  CPython's ``ast`` too (the whole-program facts).
- ``module_model`` (:class:`ModuleModel`): the module model, one per file, built by the
  engine for the rules that name it in ``Rule.models`` and fed by the traversal before any
  rule sees a node. Once the module is walked it answers what a name bound in one scope
  holds in another (``scopes``: :class:`Scopes`, :class:`Bindings`), what each function
  assigns and returns, which of the module's functions a call reaches, what a factory
  returns, what another object's attribute or a parameter holds and which functions a
  function calls (``flows``), whether a value carries this program's own command line
  (``origins``), and what a function's body does through the functions it calls
  (``bodies``, which reads the tree itself and also answers during the walk).

Vocabulary: a ``Scope`` is the module, a class or a function body (with what a function
assigns and returns), and a ``Site`` is where an expression was seen (the scopes that
resolve its names later). A ``CallSite`` is a call with its function's Scope and the
statements around it. AssignedValues is the one view a rule feeds itself, for what a name
holds at the point of the walk; everything that needs the whole module is the module model.
"""
