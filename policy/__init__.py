"""The credit policy: loading, checking and explaining the YAML file compliance writes."""

from creditfile.policy.conditions import Condition, ConditionEvaluationError
from creditfile.policy.errors import CreditfileError, PolicyError, PolicyProblem
from creditfile.policy.fact_catalogue import FACTS, FactSpec
from creditfile.policy.loader import check_policy, default_policy_path, load_policy, parse_policy
from creditfile.policy.model import Grade, Override, Policy, ScoringItem, Tier

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
