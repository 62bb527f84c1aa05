"""What an expression is and what a name holds, within one module (the rules' value and scope models)."""
