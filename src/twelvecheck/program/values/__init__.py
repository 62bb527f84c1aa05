"""What an expression is and what a name holds, within one module: the value and scope models the rules share.

Which module answers which question:

- ``exprs``, ``dicts``: what an expression is by itself (a call's arguments, a literal, a
  path, an opened file, a dict literal's entries).
- ``assigned`` (:class:`AssignedValues`): what a name or ``self.attr`` may hold at a use in
  the function being visited, from the assignments seen so far. The rule records
  assignments itself, so it decides whether a statement's own assignment counts; it reads
  CPython's ``ast`` too (the whole-program facts).
- ``scopes`` (:class:`ScopeModel`: :class:`Scopes` and :class:`Bindings`): once the module is
  walked, what a name used in one scope was bound to in another (built in ``__init__``,
  started in ``run``) and which local function or class a name or ``self.method`` means.
- ``module_model`` (:class:`ModuleModel`): once the module is walked, what each function
  assigns and returns, which of the module's functions a call reaches, and whether a value
  carries this program's own command line (the self-supervision rules).

Vocabulary: a ``Scope`` is a module, class or function body on the scope stack, and a
``Site`` is where an expression was seen (the scopes that resolve its names later). A
``FunctionScope`` is ModuleModel's record of one function or of the module body, and a
``CallSite`` is a call with its FunctionScope and the statements around it. A model that
the traversal feeds is not a base class: a rule owns it and lists it in its
``listeners`` (engine/rule.py).
"""
