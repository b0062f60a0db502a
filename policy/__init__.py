"""The credit policy: loading, checking and explaining the YAML file compliance writes."""

from policy.conditions import Condition, ConditionEvaluationError
from policy.errors import CreditfileError, PolicyError, PolicyProblem
from policy.facts import FACTS, FactSpec
from policy.loader import check_policy, default_policy_path, load_policy, parse_policy
from policy.model import Grade, Override, Policy, ScoringItem, Tier

__all__ = [
    "FACTS",
    "Condition",
    "ConditionEvaluationError",
    "CreditfileError",
    "FactSpec",
    "Grade",
    "Override",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "ScoringItem",
    "Tier",
    "check_policy",
    "default_policy_path",
    "load_policy",
    "parse_policy",
]
