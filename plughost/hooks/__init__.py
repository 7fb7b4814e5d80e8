"""pluggy hooks: the specifications cog authors implement, and the async caller that
awaits each implementation in turn, inside its own error boundary."""
