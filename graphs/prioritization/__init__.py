"""Strategic prioritization: one product (or goal), many clients — who the RM should call first, and why."""
